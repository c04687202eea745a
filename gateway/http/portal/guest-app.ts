/**
 * The guest listener: the only HTTP guests on the store Wi-Fi reach. It serves the
 * portal's pages, the OS probes, the Captive Portal API and the voucher page, and
 * nothing else: no till, POS, admin or kiosk route exists on it. Any other request
 * (a guest's browser redirected here from any site) goes to the portal.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { Logger } from '../../log.js'
import { servicesPlugin, type GatewayServices } from '../services.js'
import { answerErrors } from '../app.js'
import { voucherPageRoutes } from '../voucher-page.js'
import { memberInboxRoutes } from '../member-inbox.js'
import { brandRoutes } from '../brand-routes.js'
import { probeRoutes } from './probe-routes.js'
import { portalRoutes } from './portal-routes.js'
import { publicBase } from '../public-base.js'
import { capConnections, serverOptions } from '../connection-limits.js'

export async function buildGuestApp(opts: { services: GatewayServices; logger: Logger }): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 8 * 1024,
    routerOptions: { maxParamLength: 400 },
    // A phone on the Wi-Fi must not hold connections the next guest needs.
    connectionTimeout: 30_000,
    ...serverOptions(opts.services.config.portal.http),
  })
  capConnections(app.server, opts.services.config.portal.http, opts.logger)
  answerErrors(app)
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)))
  })
  await app.register(servicesPlugin, { services: opts.services })
  probeRoutes(app)
  portalRoutes(app)
  voucherPageRoutes(app)
  memberInboxRoutes(app)
  brandRoutes(app)
  app.get('/', { schema: { hide: true } }, (req, reply) => reply.redirect('/portal', 302))
  app.setNotFoundHandler((req, reply) => {
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return reply.code(404).send({ error: 'not_found', message: `no route ${req.method} ${req.url}` })
    return reply
      .header('cache-control', 'no-store')
      .redirect(`${publicBase(req, opts.services.config.portal.publicUrl)}/portal`, 302)
  })
  return app
}
