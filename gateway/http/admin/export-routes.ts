/**
 * /admin/export (managers): every table as CSV for Excel (gateway/admin/exports.ts), for
 * a range of days; the file streams, so a year's export starts at once and never holds
 * the till up. Exports are journaled (admin.export): they carry customers' data out.
 */
import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from '@sinclair/typebox'
import { EXPORT_TABLES, EXPORT_TITLES, type ExportTable } from '../../admin/exports.js'
import { dayBounds, localDay } from '../../kiosk/local-day.js'
import { t } from '../../i18n/messages.js'
import { esc } from '../html.js'
import type { ConsoleKit } from './console-kit.js'

const SPEC = { path: '/admin/export', title: 'admin.export' } as const
// A date field left empty in the form comes as ''; it means "from the start" / "until now".
const Day = Type.String({ pattern: '^(\\d{4}-\\d\\d-\\d\\d)?$' })
const ExportQuery = Type.Object({ from: Type.Optional(Day), to: Type.Optional(Day) })
const TABLES = Object.keys(EXPORT_TABLES) as ExportTable[]

export function exportRoutes(app: FastifyInstance, kit: ConsoleKit): void {
  const { config, backOffice } = app.services

  app.get('/admin/export', { schema: { hide: true } }, (req, reply) =>
    kit.page(req, reply, SPEC, (_user, lang) => {
      const today = localDay(Date.now())
      const links = TABLES.map(
        (name) =>
          `<li><button type="submit" formaction="/admin/export/${name}.csv">${esc(t(lang, EXPORT_TITLES[name]))}</button></li>`,
      ).join('')
      return `<h1>${t(lang, 'admin.export')}</h1><p class="muted">${esc(t(lang, 'admin.exportHelp'))}</p>
<form method="get" class="card export"><div class="range">
<label>${t(lang, 'admin.fromDay')}<input type="date" name="from" max="${today}"></label>
<label>${t(lang, 'admin.toDay')}<input type="date" name="to" max="${today}" value="${today}"></label></div>
<ul class="exports">${links}</ul></form>
<p><a class="button" href="/admin/report">${t(lang, 'admin.dailyReport')}</a></p>`
    }),
  )

  app.get<{ Params: { table: string }; Querystring: Static<typeof ExportQuery> }>(
    '/admin/export/:table',
    { schema: { hide: true, querystring: ExportQuery } },
    async (req, reply) => {
      const user = kit.apiUser(req, reply, SPEC.path)
      if (!user) return reply
      const name = req.params.table.replace(/\.csv$/, '') as ExportTable
      if (!TABLES.includes(name))
        return reply
          .code(404)
          .send({ error: 'unknown_table', message: `no export named ${req.params.table}; one of ${TABLES.join(', ')}` })
      const fromDay = req.query.from ? dayBounds(req.query.from) : { start: 0 }
      const toDay = req.query.to ? dayBounds(req.query.to) : { end: Date.now() + 1 }
      if (!fromDay || !toDay)
        return reply
          .code(400)
          .send({ error: 'bad_day', message: 'from and to must be days of the calendar (YYYY-MM-DD)' })
      const [from, to] = [fromDay.start, toDay.end]
      if (to <= from) return reply.code(400).send({ error: 'bad_range', message: 'from must be on or before to' })
      const lang = kit.langFor(req)
      await backOffice.recordExport(user.id, name, { from, to })
      const file = `${config.store.id}-${name}-${req.query.from ?? 'start'}-${req.query.to ?? localDay(Date.now())}.csv`
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${file.replace(/[^\w.-]/g, '_')}"`)
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .send(Readable.from(backOffice.exportCsv(name, lang, { from, to })))
    },
  )
}
