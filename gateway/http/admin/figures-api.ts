/** The back office's charts' data: today per hour, and the last 7, 30 or 90 days per day, from the rollups. */
import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { lastDays, today } from '../../admin/trends.js'
import type { AdminUser } from '../../admin/admin-auth.js'

const TrendsQuery = Type.Object({ days: Type.Union([Type.Literal(7), Type.Literal(30), Type.Literal(90)]) })

export function figuresApi(app: FastifyInstance, userOf: (req: FastifyRequest) => AdminUser | null): void {
  const { rollups } = app.services
  const loginRequired = { error: 'login_required', message: 'log in at /admin/login' }

  app.get('/admin/api/today', { schema: { hide: true } }, (req, reply) =>
    userOf(req) ? today(rollups) : reply.code(401).send(loginRequired),
  )

  app.get<{ Querystring: Static<typeof TrendsQuery> }>(
    '/admin/api/trends',
    { schema: { hide: true, querystring: TrendsQuery } },
    (req, reply) => (userOf(req) ? lastDays(rollups, req.query.days) : reply.code(401).send(loginRequired)),
  )
}
