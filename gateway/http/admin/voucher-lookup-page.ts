/**
 * /admin/vouchers: look a voucher up by scanning it (a scanner types the code and Enter
 * into the field), pasting its code, or typing its number from a slip; its life is drawn
 * on the server (gateway/admin/voucher-life.ts). Staff may use it.
 */
import type { FastifyInstance } from 'fastify'
import { pickText, type Lang } from '../../../config/schema-parts.js'
import type { VoucherLife } from '../../admin/voucher-life.js'
import { t, wordsFor } from '../../i18n/messages.js'
import { reasonText, valueText } from '../../till/till-text.js'
import { esc } from '../html.js'
import type { ConsoleKit } from './console-kit.js'
import { when } from './page-parts.js'
import { doubleUseCard, doubleUseRoutes, doubleUsesSection } from './double-uses-page.js'

export function voucherLookupPage(app: FastifyInstance, kit: ConsoleKit): void {
  const backOffice = app.services.backOffice
  const { lookup, doubleUses } = backOffice
  const offer = (lang: Lang) => (id: number) => ({
    name: backOffice.campaignName(lang, id),
    value: backOffice.campaigns().find((c) => c.id === id)?.value ?? null,
  })

  app.get('/admin/vouchers', { schema: { hide: true } }, (req, reply) => {
    const q = String((req.query as { q?: unknown }).q ?? '').slice(0, 1024)
    return kit.page(req, reply, { path: '/admin/vouchers', title: 'admin.vouchers' }, (user, lang, csrf) => {
      const form = `<form method="get" action="/admin/vouchers" class="search">
<label>${t(lang, 'admin.voucherAsk')}<input name="q" value="${esc(q)}" autocomplete="off" autofocus maxlength="1024"></label>
<button type="submit">${t(lang, 'admin.lookUp')}</button></form>`
      if (!q.trim())
        return `<h1>${t(lang, 'admin.vouchers')}</h1>${form}${doubleUsesSection(lang, doubleUses.list(), user, csrf, offer(lang))}`
      const found = lookup.find(q)
      // Used at another store beyond its uses: what the cloud found, above what this store holds.
      const twice = doubleUses.of(found.found ? found.life.key : q.trim())
      const life = found.found
        ? lifeCard(lang, found.life)
        : twice
          ? ''
          : `<p class="error" role="alert">${t(lang, found.reason === 'unknown' ? 'admin.voucherUnknown' : 'admin.voucherUnreadable')}</p>`
      const result = `${twice ? doubleUseCard(lang, twice, user, csrf, offer(lang)(twice.campaign)) : ''}${life}`
      return `<h1>${t(lang, 'admin.vouchers')}</h1>${form}${result}`
    })
  })
  doubleUseRoutes(app, kit)
}

function lifeCard(lang: Lang, v: VoucherLife): string {
  const name = v.campaign ? pickText(lang, v.campaign.name) : t(lang, 'admin.campaignNumber', { id: v.campaignId })
  const value = v.campaign ? ` · ${valueText(v.campaign.value)[lang]}` : ''
  const verdict = !v.check
    ? ''
    : v.check.ok
      ? `<p class="verdict good">${esc(t(lang, 'admin.voucherValid', { count: v.check.usesLeft }))}</p>`
      : `<p class="verdict bad"><strong>${esc(reasonText(v.check.reason).headline[lang])}</strong> — ${esc(reasonText(v.check.reason).advice[lang])}</p>`
  const steps: string[] = []
  if (v.issued) {
    steps.push(
      step(
        lang,
        v.issued.at,
        t(lang, 'admin.voucherIssued', {
          store: v.issuerName ?? '',
          channel: wordsFor(lang, 'admin.channel', v.issued.channel),
        }),
        [
          v.issued.device ?? '',
          v.issued.member ? t(lang, 'admin.toMember', { phone: v.issued.member }) : t(lang, 'admin.toNobody'),
          t(lang, 'admin.expires', { time: when(lang, v.issued.expiresAt) }),
        ],
      ),
    )
  } else if (v.issuerName) {
    steps.push(`<li class="elsewhere">${esc(t(lang, 'admin.issuedElsewhere', { store: v.issuerName }))}</li>`)
  }
  if (v.slip) {
    steps.push(
      `<li>${esc(t(lang, 'admin.slip'))}: <a href="/admin/print#job-${esc(v.slip.jobId)}">${esc(wordsFor(lang, 'admin.job', v.slip.state))}</a></li>`,
    )
  }
  for (const u of v.uses) {
    steps.push(
      step(lang, u.at, t(lang, 'admin.voucherUsed', { store: u.storeName }), [
        u.device ?? '',
        u.cashier ? t(lang, 'admin.byCashier', { name: u.cashier }) : '',
      ]),
    )
    if (u.voided)
      steps.push(
        step(lang, u.voided.at, t(lang, 'admin.voucherVoided'), [
          u.voided.by ? t(lang, 'admin.byCashier', { name: u.voided.by }) : '',
        ]),
      )
  }
  if (v.uses.length === 0) steps.push(`<li class="elsewhere">${esc(t(lang, 'admin.notUsedHere'))}</li>`)
  return `<section class="card life"><h2>${esc(name)}${esc(value)}</h2>${verdict}
<p class="muted">${esc(t(lang, 'admin.voucherNumber', { number: v.key }))}${v.issuerName ? ` · ${esc(t(lang, 'admin.issuedBy', { store: v.issuerName }))}` : ''}</p>
<ol class="timeline">${steps.join('')}</ol></section>`
}

const step = (lang: Lang, at: number, what: string, details: string[]) =>
  `<li><time>${esc(when(lang, at))}</time> <strong>${esc(what)}</strong>${details
    .filter(Boolean)
    .map((d) => ` · ${esc(d)}`)
    .join('')}</li>`
