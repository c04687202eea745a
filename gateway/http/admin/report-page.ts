/**
 * /admin/report?day=YYYY-MM-DD (managers): one day on one printable page — the funnel's
 * figures, money, vouchers by offer and issuing store — read from the hourly rollups.
 * The browser prints it (print styles in app.css drop the console's frame); no PDF.
 */
import type { FastifyInstance } from 'fastify'
import { dayBounds, localDay } from '../../kiosk/local-day.js'
import { t, type MessageKey } from '../../i18n/messages.js'
import { HOUR_MS } from '../../store/rollups.js'
import { esc } from '../html.js'
import type { ConsoleKit } from './console-kit.js'
import { count, money, table, when } from './page-parts.js'

const FIGURES: [metric: string, key: MessageKey][] = [
  ['wifi_joins', 'admin.metric.wifi_joins'],
  ['members_new', 'admin.metric.members_new'],
  ['plays', 'admin.metric.plays'],
  ['issued', 'admin.metric.issued'],
  ['redeemed', 'admin.metric.redeemed'],
  ['voided', 'admin.metric.voided'],
  ['rejected', 'admin.metric.rejected'],
  ['scans', 'admin.metric.scans'],
]

export function reportPage(app: FastifyInstance, kit: ConsoleKit): void {
  const { config, rollups, backOffice } = app.services

  app.get('/admin/report', { schema: { hide: true } }, (req, reply) => {
    const asked = String((req.query as { day?: unknown }).day ?? '')
    const day = dayBounds(asked) ? asked : localDay(Date.now())
    const spec = { path: '/admin/export', title: 'admin.dailyReport', script: '/admin/report.js' } as const
    return kit.page(req, reply, spec, (user, lang) => {
      const { start, end } = dayBounds(day)!
      const rows = rollups.byKey(Math.floor(start / HOUR_MS), Math.ceil(end / HOUR_MS))
      const total = (metric: string) => rows.filter((r) => r.metric === metric).reduce((n, r) => n + r.count, 0)
      const amounts = (metric: string) => {
        const by = new Map<string, number>()
        for (const r of rows.filter((r) => r.metric === metric)) {
          const currency = r.key.split(':').pop() || 'CNY'
          by.set(currency, (by.get(currency) ?? 0) + r.amount)
        }
        return [...by].map(([c, a]) => money(lang, a, c)).join(' · ') || money(lang, 0)
      }
      const used = rows
        .filter((r) => r.metric === 'redeemed')
        .sort((a, b) => b.count - a.count)
        .map((r) => {
          const [c, store] = r.key.split(':')
          return [
            esc(backOffice.campaignName(lang, Number(c))),
            esc(backOffice.storeName(store ?? '')),
            count(lang, r.count),
            r.amount ? money(lang, r.amount) : '—',
          ]
        })
      const prev = localDay(start - HOUR_MS * 12)
      const next = localDay(end + HOUR_MS * 12)
      const today = localDay(Date.now())
      return `<div class="report-bar no-print"><a href="/admin/report?day=${prev}">← ${esc(prev)}</a>
${day < today ? `<a href="/admin/report?day=${next}">${esc(next)} →</a>` : ''}<button type="button" id="print">${t(lang, 'admin.print')}</button></div>
<article class="report"><h1>${esc(t(lang, 'admin.reportTitle', { store: config.store.name, day: when(lang, start, 'day') }))}</h1>
<section class="figures">${FIGURES.map(([m, key]) => `<div class="card figure"><span>${t(lang, key)}</span><strong>${count(lang, total(m))}</strong></div>`).join('')}</section>
<section class="card"><h2>${t(lang, 'admin.money')}</h2><dl class="figures-row">
<div><dt>${t(lang, 'admin.metric.sales')}</dt><dd>${esc(amounts('sales'))}</dd></div>
<div><dt>${t(lang, 'admin.metric.payments')}</dt><dd>${esc(amounts('payments'))}</dd></div>
<div><dt>${t(lang, 'admin.voucherWorth')}</dt><dd>${esc(
        money(
          lang,
          rows.filter((r) => r.metric === 'redeemed').reduce((n, r) => n + r.amount, 0),
        ),
      )}</dd></div></dl></section>
<section class="card"><h2>${t(lang, 'admin.usedByOffer')}</h2>${table([t(lang, 'admin.pipeOffer'), t(lang, 'admin.pipeStore'), t(lang, 'admin.pipeUsed'), t(lang, 'admin.pipeWorth')], used, { num: [2, 3], empty: t(lang, 'admin.none') })}</section>
<p class="muted">${esc(t(lang, 'admin.reportFooter', { user: user.name, time: when(lang, Date.now()) }))}</p></article>`
    })
  })
}
