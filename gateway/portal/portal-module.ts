/**
 * Assembles the portal from the config: the access controller it names, the sessions,
 * the code sender and the join service. The gateway starts the controller, then the
 * sessions (which re-apply open ones to the controller), then the guest listener.
 */
import type { Config } from '../../config/schema.js'
import { moduleLogger, type Logger } from '../log.js'
import type { Journal } from '../store/journal.js'
import type { MemberService } from '../members/member-service.js'
import type { AccessController } from './controllers/controller.js'
import { NoController } from './controllers/none.js'
import { NftablesController } from './controllers/nftables.js'
import { OpenNdsController } from './controllers/opennds.js'
import { DevCodeSender, type CodeSender } from './one-time-codes.js'
import { PortalSessions } from './portal-sessions.js'
import { PortalService } from './portal-service.js'

export interface Portal {
  controller: AccessController
  sessions: PortalSessions
  service: PortalService
}

export function createPortal(
  config: Config,
  deps: { journal: Journal; members: MemberService; cloudSender: CodeSender; landing: string },
  log: Logger,
): Portal {
  const p = config.portal
  const c = p.controller
  const controllerLog = moduleLogger(log, `portal:controller:${c.type}`)
  const controller: AccessController =
    c.type === 'nftables'
      ? new NftablesController(
          {
            table: c.table,
            interface: c.interface,
            nft: c.nft,
            allowPorts: c.allowPorts,
            portalPort: p.http.port,
            idleSeconds: p.session.idleMinutes * 60,
          },
          controllerLog,
        )
      : c.type === 'opennds'
        ? new OpenNdsController(c, controllerLog)
        : new NoController()
  const sessions = new PortalSessions(
    deps.journal,
    controller,
    {
      lengthMs: p.session.lengthMinutes * 60_000,
      idleSeconds: p.session.idleMinutes * 60,
      devicesPerMember: p.session.devicesPerMember,
      landing: deps.landing,
    },
    moduleLogger(log, 'portal:sessions'),
  )
  const sender = p.otp.sender === 'cloud' ? deps.cloudSender : new DevCodeSender(moduleLogger(log, 'portal:codes'))
  const service = new PortalService(
    p,
    { members: deps.members, sessions, controller, sender, defaultCountryCode: config.members.defaultCountryCode },
    moduleLogger(log, 'portal'),
  )
  return { controller, sessions, service }
}
