/** The back office's charts' data: today per hour, and the last 7, 30 or 90 days per day, from the rollups. */
import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { lastDays, today, usedHereByIssuer } from '../../admin/trends.js'
import type { AdminUser } from '../../admin/admin-auth.js'

const TrendsQuery = Type.Object({ days: Type.Union([Type.Literal(7), Type.Literal(30), Type.Literal(90)]) })
const PipeQuery = Type.Object({
  days: Type.Union([Type.Literal(1), Type.Literal(7), Type.Literal(30), Type.Literal(90)]),
})

export function figuresApi(app: FastifyInstance, userOf: (req: FastifyRequest) => AdminUser | null): void {
  const { rollups, vouchers, kiosk, config } = app.services
  const loginRequired = { error: 'login_required', message: 'log in at /admin/login' }

  app.get('/admin/api/today', { schema: { hide: true } }, (req, reply) =>
    userOf(req) ? today(rollups) : reply.code(401).send(loginRequired),
  )

  app.get<{ Querystring: Static<typeof TrendsQuery> }>(
    '/admin/api/trends',
    { schema: { hide: true, querystring: TrendsQuery } },
    (req, reply) => (userOf(req) ? lastDays(rollups, req.query.days) : reply.code(401).send(loginRequired)),
  )

  /** The closed pipe's arrivals: vouchers from each store (this one included) used here, with names, not ids. */
  app.get<{ Querystring: Static<typeof PipeQuery> }>(
    '/admin/api/pipe',
    { schema: { hide: true, querystring: PipeQuery } },
    (req, reply) => {
      if (!userOf(req)) return reply.code(401).send(loginRequired)
      const own = config.store.id
      return usedHereByIssuer(rollups, req.query.days).map((r) => ({
        ...r,
        own: r.issuerStore === own,
        issuerName: r.issuerStore === own ? config.store.name : (vouchers.names().store(r.issuerStore) ?? null),
        campaignName: kiosk.service.campaignName(r.campaign),
      }))
    },
  )
}
