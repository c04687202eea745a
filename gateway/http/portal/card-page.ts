/**
 * The member's own card on their phone (/portal/card): the live member QR to show at the
 * till (it changes every 30 s, so the page reloads itself), the balance with what of it is
 * the store's bonus, and the statement. Server-rendered, no script, like every portal page.
 */
import type { StatementLine } from '../../store/read/card-reads.js'
import { dateLocale, t, type Lang } from '../../i18n/messages.js'
import { esc } from '../html.js'
import { cardMoney as money, layout, type Shell } from './portal-pages.js'

export interface CardView {
  qrSvg: string
  currency: string
  principal: number
  bonus: number
  statement: StatementLine[]
  back: string
  forget: string
}

const CARD_STYLE = `<style>.qr{display:block;width:100%;max-width:18rem;margin:.5rem auto}.balance{font-size:2rem;font-weight:800;margin:.2rem 0}
.line{display:flex;justify-content:space-between;gap:1rem}.line .amt{font-variant-numeric:tabular-nums;font-weight:700}.line .amt.in{color:#1e6b32}
.forget-link{display:flex;align-items:center;justify-content:center;min-height:44px;margin-top:.6rem;color:#8c1d18}</style>`

export function cardPage(s: Shell, c: CardView): string {
  const lang = s.lang
  const total = c.principal + c.bonus
  const lines = c.statement.map((l) => statementLine(lang, l, c.currency)).join('')
  return layout(
    s,
    t(lang, 'card.title'),
    `${CARD_STYLE}<div class="card"><h1>${t(lang, 'card.title')}</h1>
<p class="balance">${esc(t(lang, 'card.balance', { amount: money(total, c.currency) }))}</p>
<p class="muted">${esc(t(lang, 'card.split', { principal: money(c.principal, c.currency), bonus: money(c.bonus, c.currency) }))}</p></div>
<div class="card"><h2>${t(lang, 'portal.cardShow')}</h2><div class="qr" role="img" aria-label="${esc(t(lang, 'portal.cardQr'))}">${c.qrSvg}</div>
<p class="muted">${t(lang, 'portal.cardRefresh')}</p></div>
<div class="card"><h2>${t(lang, 'portal.cardStatement')}</h2>${lines ? `<ul>${lines}</ul>` : `<p class="muted">${t(lang, 'portal.cardNoMoves')}</p>`}</div>
<a class="back" href="${esc(c.back)}">${t(lang, 'game.back')}</a>
<a class="forget-link" href="${esc(c.forget)}">${t(lang, 'portal.forgetLink')}</a>`,
  )
}

function statementLine(lang: Lang, l: StatementLine, currency: string): string {
  const amount = l.principal + l.bonus
  const when = new Date(l.time).toLocaleString(dateLocale(lang), { dateStyle: 'medium', timeStyle: 'short' })
  return `<li class="line"><span>${t(lang, `card.kind.${l.kind}`)}<br><span class="muted">${esc(when)}</span></span><span class="amt${amount > 0 ? ' in' : ''}">${esc(money(amount, currency))}</span></li>`
}

/** "Forget me": what it deletes and what the law makes us keep, then one button. */
export function forgetPage(s: Shell, f: { action: string; back: string; error: string | null }): string {
  const lang = s.lang
  return layout(
    s,
    t(lang, 'portal.forgetTitle'),
    `<div class="card"><h1>${t(lang, 'portal.forgetTitle')}</h1>${f.error ? `<p class="err" role="alert">${esc(f.error)}</p>` : ''}
<p>${t(lang, 'portal.forgetWhat')}</p><p class="muted">${t(lang, 'portal.forgetKept')}</p>
<form method="post" action="${esc(f.action)}"><input type="hidden" name="lang" value="${lang}">
<label class="check"><input type="checkbox" name="confirm" value="yes" required> ${t(lang, 'portal.forgetConfirm')}</label>
<button type="submit">${t(lang, 'portal.forgetButton')}</button></form></div>
<a class="back" href="${esc(f.back)}">${t(lang, 'game.back')}</a>`,
  )
}

export function forgottenPage(s: Shell, again: string): string {
  const lang = s.lang
  return layout(
    s,
    t(lang, 'portal.forgottenTitle'),
    `<div class="card"><h1>${t(lang, 'portal.forgottenTitle')}</h1><p>${t(lang, 'portal.forgottenText')}</p></div>
<a class="back" href="${esc(again)}">${t(lang, 'portal.forgottenAgain')}</a>`,
  )
}
