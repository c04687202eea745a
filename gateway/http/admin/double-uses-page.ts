/**
 * The double uses the cloud found (gateway/admin/double-uses.ts) on the vouchers page:
 * each voucher with its uses side by side — where, when, by whom here — what the uses
 * beyond the allowed ones cost, and a manager's "handled" button. POST
 * /admin/vouchers/double-uses/handled marks one (managers only; CSRF as every form).
 */
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from '@sinclair/typebox'
import type { Lang } from '../../../config/schema-parts.js'
import type { DoubleUseView } from '../../admin/double-uses.js'
import type { AdminUser } from '../../admin/admin-auth.js'
import { t } from '../../i18n/messages.js'
import { valueText } from '../../till/till-text.js'
import { esc } from '../html.js'
import type { ConsoleKit } from './console-kit.js'
import { money, when } from './page-parts.js'

const HandledBody = Type.Object({
  voucherKey: Type.String({ pattern: '^\\d{1,5}:\\d{1,5}:\\d{1,8}$' }),
  _csrf: Type.String(),
})

export function doubleUseRoutes(app: FastifyInstance, kit: ConsoleKit): void {
  const { doubleUses } = app.services.backOffice
  app.post<{ Body: Static<typeof HandledBody> }>(
    '/admin/vouchers/double-uses/handled',
    { schema: { hide: true, body: HandledBody }, preHandler: app.csrfProtection },
    async (req, reply) => {
      const user = kit.apiUser(req, reply, '/admin/vouchers')
      if (!user) return reply
      const lang = kit.langFor(req)
      if (user.role !== 'manager')
        return kit.page(
          req,
          reply,
          { path: '/admin/vouchers', title: 'admin.vouchers' },
          () =>
            `<h1>${t(lang, 'admin.vouchers')}</h1><p class="error" role="alert">${esc(t(lang, 'admin.doubleUseManagers'))}</p>`,
          403,
        )
      await doubleUses.handle(req.body.voucherKey, user.id)
      // Handled by someone else a moment ago is the same outcome: the list shows who.
      return reply.redirect('/admin/vouchers#double-uses', 303)
    },
  )
}

/** The list, open ones first; `names` says what the offer is called and is worth. */
export function doubleUsesSection(
  lang: Lang,
  list: DoubleUseView[],
  user: AdminUser,
  csrf: string,
  offer: (id: number) => { name: string; value: Parameters<typeof valueText>[0] | null },
): string {
  const cards = list.map((d) => doubleUseCard(lang, d, user, csrf, offer(d.campaign))).join('')
  return `<section id="double-uses" class="double-uses"><h2>${t(lang, 'admin.doubleUses')}</h2>
<p class="muted">${esc(t(lang, 'admin.doubleUsesIntro'))}</p>
${cards || `<p class="card all-well">${esc(t(lang, 'admin.doubleUsesNone'))}</p>`}</section>`
}

export function doubleUseCard(
  lang: Lang,
  d: DoubleUseView,
  user: AdminUser,
  csrf: string,
  offer: { name: string; value: Parameters<typeof valueText>[0] | null },
): string {
  const risk = d.atRisk
    ? money(lang, d.atRisk.amount, d.atRisk.currency)
    : offer.value
      ? valueText(offer.value)[lang]
      : t(lang, 'admin.doubleUseItem')
  const rows = d.uses
    .map(
      (u) => `<tr${u.here ? ' class="here"' : ''}><td><time>${esc(when(lang, u.at))}</time></td>
<td>${esc(u.here ? t(lang, 'admin.doubleUseHere', { store: u.storeName }) : u.storeName)}</td>
<td>${u.cashier ? esc(u.cashier) : ''}</td><td>${u.voided ? esc(t(lang, 'admin.doubleUseVoided')) : ''}</td></tr>`,
    )
    .join('')
  const state = d.handled
    ? `<p class="handled">✓ ${esc(t(lang, 'admin.doubleUseHandledBy', { name: d.handled.by, time: when(lang, d.handled.at) }))}</p>`
    : user.role === 'manager'
      ? `<form method="post" action="/admin/vouchers/double-uses/handled" class="actions"><input type="hidden" name="_csrf" value="${esc(csrf)}"><input type="hidden" name="voucherKey" value="${esc(d.voucherKey)}"><button type="submit">${t(lang, 'admin.doubleUseHandle')}</button></form>`
      : `<p class="muted">${esc(t(lang, 'admin.doubleUseAskManager'))}</p>`
  return `<article class="card double-use${d.handled ? ' is-handled' : ''}" data-voucher="${esc(d.voucherKey)}">
<h3>${esc(offer.name)} · <a href="/admin/vouchers?q=${encodeURIComponent(d.voucherKey)}">${esc(t(lang, 'admin.voucherNumber', { number: d.voucherKey }))}</a></h3>
<p class="risk"><strong>${esc(t(lang, 'admin.doubleUseAtRisk', { value: risk }))}</strong> · ${esc(t(lang, 'admin.doubleUseUses', { count: d.uses.filter((u) => !u.voided).length, max: d.maxUses }))}</p>
<table><thead><tr><th>${t(lang, 'admin.doubleUseWhen')}</th><th>${t(lang, 'admin.doubleUseWhere')}</th><th>${t(lang, 'admin.doubleUseCashier')}</th><th></th></tr></thead><tbody>${rows}</tbody></table>
<p class="muted">${esc(t(lang, 'admin.doubleUseFound', { time: when(lang, d.detectedAt) }))}</p>${state}</article>`
}
