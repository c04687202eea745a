/**
 * The gateway's HTTP app. `buildApp()` assembles it without listening, so tests use
 * `app.inject()`; gateway/runtime starts the listener.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { Logger } from '../log.js'
import { servicesPlugin, type GatewayServices } from './services.js'
import { healthRoutes } from './health-routes.js'
import { devRoutes } from './dev-routes.js'
import { posRoutes } from './pos-routes.js'
import { tillRoutes } from './till-routes.js'
import { memberRoutes } from './member-routes.js'
import { salesRoutes } from './sales-routes.js'
import { cardRoutes } from './card-routes.js'
import { tillCardRoutes } from './till-card-routes.js'
import { tillPaymentRoutes } from './till-payment-routes.js'
import { printRoutes } from './print-routes.js'
import { kioskRoutes } from './kiosk-routes.js'
import { i18nRoutes } from './i18n-routes.js'
import { adminRoutes } from './admin/admin-routes.js'
import { metricsRoutes } from './metrics-routes.js'
import { brandRoutes } from './brand-routes.js'
import { openApi } from './openapi.js'
import { guestGuard } from './portal/guest-guard.js'
import { capConnections, serverOptions } from './connection-limits.js'
import { refusalOf } from './error-status.js'

export interface BuildAppOptions {
  services: GatewayServices
  logger: Logger
}

export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    // Per-request info lines would drown the scan log on a busy till.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    // A voucher code in a path (/v/{code}) is 120 characters before URL escapes.
    routerOptions: { maxParamLength: 400 },
    ajv: { customOptions: { removeAdditional: false, allErrors: false } },
    ...serverOptions(opts.services.config.http),
  })
  capConnections(app.server, opts.services.config.http, opts.logger)
  answerErrors(app)
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: 'not_found', message: `no route ${req.method} ${req.url}` }),
  )
  guestGuard(app, opts.services.config.portal.guestNetworks)
  await app.register(openApi)
  await app.register(servicesPlugin, { services: opts.services })
  await app.register(metricsRoutes) // first: its hook times every route after it
  await app.register(healthRoutes)
  await app.register(posRoutes)
  await app.register(tillRoutes)
  await app.register(memberRoutes)
  await app.register(salesRoutes)
  await app.register(cardRoutes)
  await app.register(tillCardRoutes)
  await app.register(tillPaymentRoutes)
  await app.register(printRoutes)
  await app.register(kioskRoutes)
  await app.register(i18nRoutes)
  await app.register(adminRoutes)
  app.get('/', { schema: { hide: true } }, (_req, reply) => reply.redirect('/admin', 302))
  brandRoutes(app)
  if (opts.services.config.dev) await app.register(devRoutes)
  return app
}

/**
 * One error answer for every listener: a domain refusal gets its status from the one table
 * (error-status.ts) and says why, also when that status is a 503 ("payment provider not
 * reachable"); any other 4xx says why; any other 5xx says only "internal" (details in the log).
 */
export function answerErrors(app: FastifyInstance): void {
  // No answer of ours may be read as another type than it says (an SVG or JSON as HTML).
  app.addHook('onSend', async (_req, reply) => {
    reply.header('x-content-type-options', 'nosniff')
  })
  app.setErrorHandler(
    (
      err: Error & { statusCode?: number; validation?: unknown; code?: string; retryAfterSeconds?: number },
      req,
      reply,
    ) => {
      const refusal = refusalOf(err)
      if (refusal) {
        if (refusal.retryAfterSeconds) reply.header('retry-after', String(refusal.retryAfterSeconds))
        return reply.code(refusal.status).send(refusal.body)
      }
      const status = err.statusCode ?? 500
      if (status === 429 && err.retryAfterSeconds) reply.header('retry-after', String(err.retryAfterSeconds))
      if (status >= 500) {
        // Internals stay in the log; the client gets a stable code only.
        req.log.error({ err, url: req.url }, 'request failed')
        return reply.code(status).send({ error: 'internal', message: 'internal error; see the gateway log' })
      }
      const error = err.validation ? 'invalid_request' : (err.code ?? 'bad_request').toLowerCase()
      return reply.code(status).send({ error, message: err.message })
    },
  )
}
