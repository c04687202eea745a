/**
 * /admin/campaigns (managers): every campaign's terms and how its vouchers did here, the
 * prizes left and when they run out at today's pace, and the draw's fairness check
 * (gateway/admin/campaign-figures.ts).
 */
import type { FastifyInstance } from 'fastify'
import { pickText, type Lang } from '../../../config/schema-parts.js'
import type { CampaignRow } from '../../admin/campaign-figures.js'
import { t } from '../../i18n/messages.js'
import { valueText } from '../../till/till-text.js'
import { whereToUse } from '../../vouchers/where-to-use.js'
import { esc } from '../html.js'
import type { ConsoleKit } from './console-kit.js'
import { count, money, table, when } from './page-parts.js'

const AUDIT_DAYS = 7

export function campaignsPage(app: FastifyInstance, kit: ConsoleKit): void {
  const { config, kiosk, vouchers, backOffice } = app.services
  const figures = backOffice.figures

  app.get('/admin/campaigns', { schema: { hide: true } }, (req, reply) =>
    kit.page(req, reply, { path: '/admin/campaigns', title: 'admin.campaigns' }, (_user, lang) => {
      const now = Date.now()
      const rows = figures.campaigns(backOffice.campaigns(), now)
      const prizes = figures
        .prizes(now)
        .map((p) => [
          esc(pickText(lang, kiosk.service.campaignName(p.campaign))),
          count(lang, p.remaining),
          count(lang, p.wonToday),
          esc(
            p.remaining === 0
              ? t(lang, 'admin.runOut')
              : p.runsOutAt === null
                ? t(lang, 'admin.noneWonToday')
                : when(lang, p.runsOutAt),
          ),
        ])
      const fair = figures.fairness(AUDIT_DAYS, now)
      const days = fair.past.map((d) => [
        esc(d.day),
        count(lang, d.draws),
        d.mismatched === 0
          ? `<span class="good">${esc(t(lang, 'admin.drawsMatch'))}</span>`
          : `<strong class="bad">${esc(t(lang, 'admin.drawsMismatch', { count: d.mismatched }))}</strong>`,
      ])
      return `<h1>${t(lang, 'admin.campaigns')}</h1>
<section class="campaigns">${rows.map((r) => campaignCard(lang, r, config.store, vouchers.names())).join('')}</section>
<section class="card"><h2>${t(lang, 'admin.prizes')}</h2>
${table([t(lang, 'admin.prize'), t(lang, 'admin.left'), t(lang, 'admin.wonToday'), t(lang, 'admin.runsOut')], prizes, { num: [1, 2], empty: t(lang, 'admin.noPrizes') })}</section>
<section class="card"><h2>${t(lang, 'admin.fairness')}</h2><p>${esc(t(lang, 'admin.fairnessHelp'))}</p>
<p>${t(lang, 'admin.todayCommitment')}: <code>${esc(fair.today ?? t(lang, 'admin.noDrawYet'))}</code></p>
${table([t(lang, 'admin.day'), t(lang, 'admin.draws'), t(lang, 'admin.check')], days, { num: [1], empty: t(lang, 'admin.noPastDraws') })}</section>`
    }),
  )
}

function campaignCard(
  lang: Lang,
  r: CampaignRow,
  store: Parameters<typeof whereToUse>[1],
  names: Parameters<typeof whereToUse>[2],
): string {
  const c = r.campaign
  const now = Date.now()
  const state =
    now < Date.parse(c.validFrom) ? 'admin.notStarted' : now > Date.parse(c.validTo) ? 'admin.ended' : 'admin.running'
  const worth = 'amount' in c.value ? money(lang, r.value, c.value.currency) : '—'
  const where = whereToUse(c, store, names)
    .map((l) => l[lang])
    .join(lang === 'en' ? ', ' : '、')
  return `<article class="card campaign"><h2>${esc(pickText(lang, c.name))} <span class="tag ${state.slice(6)}">${t(lang, state)}</span></h2>
<p>${esc(valueText(c.value)[lang])} · ${esc(t(lang, 'admin.usesEach', { count: c.uses }))} · ${esc(when(lang, Date.parse(c.validFrom), 'day'))} – ${esc(when(lang, Date.parse(c.validTo), 'day'))}</p>
<p class="muted">${esc(t(lang, 'admin.usableAt', { where }))}</p>${c.terms ? `<p class="muted">${esc(pickText(lang, c.terms))}</p>` : ''}
<dl class="figures-row"><div><dt>${t(lang, 'admin.issuedHere')}</dt><dd>${count(lang, r.issued)}</dd></div>
<div><dt>${t(lang, 'admin.usedHere')}</dt><dd>${count(lang, r.used)}</dd></div>
<div><dt>${t(lang, 'admin.expiredUnused')}</dt><dd>${count(lang, r.expired)}</dd></div>
<div><dt>${t(lang, 'admin.rate')}</dt><dd>${r.rate === null ? '—' : `${Math.round(r.rate * 100)}%`}</dd></div>
<div><dt>${t(lang, 'admin.worth')}</dt><dd>${worth}</dd></div></dl></article>`
}
