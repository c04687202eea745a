/** The back office's charts' data: today per hour, and the last 7, 30 or 90 days per day, from the rollups. */
import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { lastDays, today, usedHereByIssuer } from '../../admin/trends.js'
import type { ConsoleKit } from './console-kit.js'

const TrendsQuery = Type.Object({ days: Type.Union([Type.Literal(7), Type.Literal(30), Type.Literal(90)]) })
const PipeQuery = Type.Object({
  days: Type.Union([Type.Literal(1), Type.Literal(7), Type.Literal(30), Type.Literal(90)]),
})

export function figuresApi(app: FastifyInstance, kit: ConsoleKit): void {
  const { rollups, vouchers, kiosk, config, backOffice } = app.services

  app.get('/admin/api/today', { schema: { hide: true } }, (req, reply) =>
    kit.apiUser(req, reply, '/admin/trends') ? today(rollups) : reply,
  )

  app.get<{ Querystring: Static<typeof TrendsQuery> }>(
    '/admin/api/trends',
    { schema: { hide: true, querystring: TrendsQuery } },
    (req, reply) => (kit.apiUser(req, reply, '/admin/trends') ? lastDays(rollups, req.query.days) : reply),
  )

  /** The closed pipe's arrivals: vouchers from each store (this one included) used here, with names, not ids. */
  app.get<{ Querystring: Static<typeof PipeQuery> }>(
    '/admin/api/pipe',
    { schema: { hide: true, querystring: PipeQuery } },
    (req, reply) => {
      if (!kit.apiUser(req, reply, '/admin/trends')) return reply
      const own = config.store.id
      return usedHereByIssuer(rollups, req.query.days).map((r) => ({
        ...r,
        own: r.issuerStore === own,
        issuerName: r.issuerStore === own ? config.store.name : (vouchers.names().store(r.issuerStore) ?? null),
        campaignName: kiosk.service.campaignName(r.campaign),
      }))
    },
  )

  /** The closed pipe's departures: this store's vouchers used at partners, as the cloud last counted them. */
  app.get<{ Querystring: Static<typeof PipeQuery> }>(
    '/admin/api/pipe-departures',
    { schema: { hide: true, querystring: PipeQuery } },
    (req, reply) => {
      if (!kit.apiUser(req, reply, '/admin/trends')) return reply
      const w = backOffice.departures.window(req.query.days)
      if (!w) return { at: null, days: req.query.days, rows: [] }
      return {
        at: new Date(w.at).toISOString(),
        days: w.days,
        rows: w.rows.map((r) => ({
          ...r,
          redeemerName: vouchers.names().store(r.redeemer) ?? null,
          campaignName: kiosk.service.campaignName(r.campaign),
        })),
      }
    },
  )
}
