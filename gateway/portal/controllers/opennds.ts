/**
 * The openNDS controller: the store router runs openNDS with Tillside as its FAS. openNDS
 * itself holds the firewall, so authorising is the guest's browser opening the router's
 * auth link (tok = sha256(hid + faskey)), with the session length, rates and quotas in
 * the `custom` field for BinAuth. Ending a session early is not possible from here
 * (ndsctl runs on the router): openNDS ends it at the session length it was given.
 */
import { readFileSync } from 'node:fs'
import type { Logger } from '../../log.js'
import type { AccessController, Grant } from './controller.js'
import { ControllerError } from './controller.js'
import { authUrl, binauthCustom, type SessionLimits } from './opennds-fas.js'

export interface OpenNdsOptions {
  faskeyFile: string
  uploadRateKbit: number
  downloadRateKbit: number
  uploadQuotaKB: number
  downloadQuotaKB: number
}

export class OpenNdsController implements AccessController {
  readonly kind = 'opennds' as const
  readonly name = 'portal:controller:opennds'
  private faskey = ''

  constructor(
    private readonly o: OpenNdsOptions,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    let key: string
    try {
      key = readFileSync(this.o.faskeyFile, 'utf8').trim()
    } catch (err) {
      throw new ControllerError(
        `portal.controller.faskeyFile: cannot read ${this.o.faskeyFile}: ${(err as Error).message}`,
      )
    }
    // openNDS's own rule for the key: letters and digits, no spaces.
    if (!/^[A-Za-z0-9]{8,}$/.test(key))
      throw new ControllerError(
        `portal.controller.faskeyFile: the faskey in ${this.o.faskeyFile} must be at least 8 letters or digits`,
      )
    this.faskey = key
  }

  async stop(): Promise<void> {}

  async macOf(): Promise<string | null> {
    return null
  }

  async authorise(grant: Grant): Promise<{ next: string }> {
    if (!grant.fas)
      throw new ControllerError('open the Wi-Fi login from the network: the router did not send this guest here')
    const limits: SessionLimits = {
      sessionSeconds: Math.max(60, Math.round((grant.expiresAt - Date.now()) / 1000)),
      uploadRateKbit: this.o.uploadRateKbit,
      downloadRateKbit: this.o.downloadRateKbit,
      uploadQuotaKB: this.o.uploadQuotaKB,
      downloadQuotaKB: this.o.downloadQuotaKB,
    }
    this.log.debug(
      { session: grant.sessionId, gateway: grant.fas.gatewayaddress },
      'guest sent to its router to authorise',
    )
    return { next: authUrl(grant.fas, this.faskey, grant.landing, binauthCustom(grant.sessionId, limits)) }
  }

  async revoke(): Promise<void> {}
  async restore(): Promise<void> {}
  async idleClients(): Promise<null> {
    return null
  }
}
