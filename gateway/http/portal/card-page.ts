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
}

const CARD_STYLE = `<style>.qr{display:block;width:100%;max-width:18rem;margin:.5rem auto}.balance{font-size:2rem;font-weight:800;margin:.2rem 0}
.line{display:flex;justify-content:space-between;gap:1rem}.line .amt{font-variant-numeric:tabular-nums;font-weight:700}.line .amt.in{color:#1e6b32}</style>`

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
<a class="back" href="${esc(c.back)}">${t(lang, 'game.back')}</a>`,
  )
}

function statementLine(lang: Lang, l: StatementLine, currency: string): string {
  const amount = l.principal + l.bonus
  const when = new Date(l.time).toLocaleString(dateLocale(lang), { dateStyle: 'medium', timeStyle: 'short' })
  return `<li class="line"><span>${t(lang, `card.kind.${l.kind}`)}<br><span class="muted">${esc(when)}</span></span><span class="amt${amount > 0 ? ' in' : ''}">${esc(money(amount, currency))}</span></li>`
}
