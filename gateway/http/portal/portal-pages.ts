/**
 * The portal's pages: server-rendered HTML with inline styles and no script, so they
 * open at once in a phone's captive mini-browser (which may run no script at all) and
 * weigh a few kilobytes on a cheap phone.
 */
import { pickText as pick, type LocalText } from '../../../config/schema-parts.js'
import { dateLocale, langTag, t, type Lang } from '../../i18n/messages.js'
import { wheelHtml } from './wheel-svg.js'
import type { GameRules } from '../../kiosk/game-rules.js'
import { esc } from '../html.js'

/** Minor units as money on the phone pages ("¥120.00", "−¥60.00"). */
export function cardMoney(amount: number, currency: string): string {
  const text = (Math.abs(amount) / 100).toFixed(2)
  return `${amount < 0 ? '−' : ''}${currency === 'CNY' ? '¥' : `${currency} `}${text}`
}

export const PORTAL_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self' http: https:; frame-ancestors 'none'"

const DEFAULT_PRIMARY = '#b3261e'
const STYLE = `*{box-sizing:border-box}body{font:17px/1.45 system-ui,"Noto Sans CJK SC",sans-serif;margin:0;background:#f4f1ea;color:#222}
main{max-width:30rem;margin:0 auto;padding:1rem}.card{background:#fff;border-radius:1rem;padding:1.1rem;box-shadow:0 2px 8px #0002;margin-bottom:1rem}
h1{font-size:1.45rem;margin:.1rem 0 .6rem}h2{font-size:1.15rem;margin:0 0 .5rem}label{display:block;margin:.6rem 0}
input[type=tel],input[type=text]{width:100%;font-size:1.3rem;padding:.6rem;border:2px solid #bbb;border-radius:.6rem}
.check{display:flex;gap:.6rem;align-items:flex-start;min-height:44px;font-size:.95rem}.check input{width:1.4rem;height:1.4rem;flex:none;margin-top:.15rem}
button,.btn{display:block;text-align:center;text-decoration:none;width:100%;font-size:1.25rem;padding:.8rem;border:0;border-radius:.8rem;background:#b3261e;color:#fff;font-weight:700;margin-top:.6rem}
.err{background:#fde7e5;color:#8c1d18;border-radius:.6rem;padding:.6rem;font-weight:600}.muted{color:#666;font-size:.9rem}
.top{display:flex;justify-content:space-between;align-items:center;margin-bottom:.5rem}.brand{display:flex;align-items:center;gap:.5rem}.brand img{height:2.5rem;max-width:8rem;object-fit:contain}.top a{color:#333;display:inline-flex;align-items:center;justify-content:center;min-height:44px;min-width:88px;padding:0 .8rem;border:2px solid #ccc;border-radius:.6rem;text-decoration:none;font-weight:600}.ok{color:#1e6b32;font-weight:700}
ul{padding:0;list-style:none;margin:0}li{border-top:1px solid #eee;padding:.5rem 0}li a{color:#b3261e;font-weight:600;display:inline-flex;align-items:center;min-height:44px}li.spent a{color:#595959;text-decoration:line-through}.tag{display:inline-block;margin-left:.5rem;padding:0 .5rem;border-radius:.4rem;background:#eee;color:#555;font-size:.85rem;font-weight:700}.prize{font-size:1.6rem;font-weight:800;color:#b3261e}
.rules{width:100%;border-collapse:collapse}.rules th,.rules td{padding:.4rem;text-align:left;border-bottom:1px solid #eee}.rules td+td,.rules th+th{text-align:right}code{font-size:.75rem;word-break:break-all}
.back{display:flex;align-items:center;justify-content:center;min-height:44px;margin-top:.6rem;border:2px solid #ccc;border-radius:.8rem;color:#333;text-decoration:none;font-weight:600}
.rules-link{float:right;font-size:1rem;color:#b3261e;display:inline-flex;align-items:center;min-height:44px;margin-top:-.6rem}`

export interface Shell {
  lang: Lang
  storeName: string
  /** The store's colour (store.brand.primary) for buttons, headers and prize names. */
  primary: string
  /** The store's logo's address (store.brand.logo), or null. */
  logo: string | null
  /** The same page in the next language the store offers, and that language's name. */
  otherLang: string
  switchLabel: string
}

export function layout(s: Shell, title: string, body: string): string {
  return `<!doctype html><html lang="${langTag(s.lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${STYLE.replaceAll(DEFAULT_PRIMARY, s.primary)}</style></head>
<body><main><div class="top"><strong class="brand">${s.logo ? `<img src="${esc(s.logo)}" alt="">` : ''}${esc(s.storeName)}</strong><a href="${esc(s.otherLang)}">${esc(s.switchLabel)}</a></div>${body}</main></body></html>`
}

export interface JoinForm {
  action: string
  fas?: string
  phone?: string
  error?: string | null
  retentionMonths: number
  consents?: { marketing?: boolean; followStore?: boolean }
}

export function joinPage(s: Shell, f: JoinForm): string {
  const lang = s.lang
  const checked = (on: boolean | undefined) => (on ? ' checked' : '')
  return layout(
    s,
    t(lang, 'portal.title'),
    `<div class="card"><h1>${t(lang, 'portal.title')}</h1><p>${t(lang, 'portal.lead')}</p>${f.error ? `<p class="err" role="alert">${esc(f.error)}</p>` : ''}
<form method="post" action="${esc(f.action)}" novalidate>${f.fas ? `<input type="hidden" name="fas" value="${esc(f.fas)}">` : ''}<input type="hidden" name="lang" value="${lang}">
<label>${t(lang, 'portal.phone')}<input type="tel" name="phone" inputmode="tel" autocomplete="tel" required maxlength="32" value="${esc(f.phone ?? '')}"></label>
<label class="check"><input type="checkbox" name="membership" value="yes" required><span>${esc(t(lang, 'portal.consent', { store: s.storeName, months: f.retentionMonths }))}</span></label>
<label class="check"><input type="checkbox" name="followStore" value="yes"${checked(f.consents?.followStore)}><span>${t(lang, 'portal.follow')}</span></label>
<label class="check"><input type="checkbox" name="marketing" value="yes"${checked(f.consents?.marketing)}><span>${t(lang, 'portal.marketing')}</span></label>
<button type="submit">${t(lang, 'portal.connect')}</button></form></div>`,
  )
}

export function codePage(
  s: Shell,
  f: { action: string; challenge: string; phoneEnd: string; error?: string | null; restart: string },
): string {
  const lang = s.lang
  return layout(
    s,
    t(lang, 'portal.code'),
    `<div class="card"><h1>${t(lang, 'portal.code')}</h1><p>${esc(t(lang, 'portal.codeLead', { end: f.phoneEnd }))}</p>${f.error ? `<p class="err" role="alert">${esc(f.error)}</p>` : ''}
<form method="post" action="${esc(f.action)}" novalidate><input type="hidden" name="challenge" value="${esc(f.challenge)}"><input type="hidden" name="lang" value="${lang}">
<label>${t(lang, 'portal.code')}<input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required></label>
<button type="submit">${t(lang, 'portal.verify')}</button></form><a class="back" href="${esc(f.restart)}">${t(lang, 'portal.startOver')}</a></div>`,
  )
}

export interface VoucherLine {
  name: LocalText
  path: string
  expiresAt: number
  /** Used and expired vouchers stay in the list, marked, so nobody walks to the till with one. */
  state: 'valid' | 'used' | 'expired' | 'unusable'
}

export interface Welcome {
  minutesLeft: number
  playsLeft: number | null
  playId: string
  playAction: string
  rulesPath: string
  gameError?: string | null
  vouchers: VoucherLine[]
  following: boolean
  store: { address?: LocalText; hours?: LocalText; about?: LocalText }
  /** The member's stored-value card, when the store offers one. */
  card: { total: number; currency: string; path: string } | null
  /** The store's messages to the member (their inbox link), when there are any. */
  messages: { unread: number; path: string } | null
}

function voucherLine(lang: Lang, v: VoucherLine): string {
  const tag = v.state === 'valid' ? '' : `<span class="tag">${t(lang, `portal.${v.state}` as const)}</span>`
  const until = new Date(v.expiresAt).toLocaleDateString(dateLocale(lang), { dateStyle: 'medium' })
  return `<li${v.state === 'valid' ? '' : ' class="spent"'}><a href="${esc(v.path)}">${esc(pick(lang, v.name))}</a>${tag}<br><span class="muted">${t(lang, 'game.until')} ${until}</span></li>`
}

export function welcomePage(s: Shell, w: Welcome): string {
  const lang = s.lang
  const canPlay = w.playsLeft === null || w.playsLeft > 0
  const info = [w.store.about, w.store.address, w.store.hours].filter((x): x is LocalText => x !== undefined)
  return layout(
    s,
    t(lang, 'portal.online'),
    `<div class="card"><h1 class="ok">✓ ${t(lang, 'portal.online')}</h1><p class="muted">${esc(t(lang, 'portal.minutesLeft', { count: w.minutesLeft }))}</p>${w.following ? `<p>${t(lang, 'portal.following')}</p>` : ''}</div>
<div class="card" id="game"><h2>${t(lang, 'game.wheel')} <a class="rules-link" href="${esc(w.rulesPath)}">${t(lang, 'rules.title')}</a></h2>${w.gameError ? `<p class="err" role="alert">${esc(w.gameError)}</p>` : ''}
${canPlay ? `<p>${w.playsLeft === null ? '' : esc(t(lang, 'game.playsLeft', { count: w.playsLeft }))}</p><form method="post" action="${esc(w.playAction)}"><input type="hidden" name="playId" value="${esc(w.playId)}"><input type="hidden" name="lang" value="${lang}"><button type="submit">${t(lang, 'portal.play')}</button></form>` : `<p>${t(lang, 'game.noPlaysLeft')}</p>`}</div>
${w.messages ? `<div class="card" id="messages"><h2>${t(lang, 'portal.messages')}</h2>${w.messages.unread > 0 ? `<p>${esc(t(lang, 'portal.unread', { count: w.messages.unread }))}</p>` : ''}<a class="btn" href="${esc(w.messages.path)}">${t(lang, 'portal.messagesOpen')}</a></div>` : ''}
${w.card ? `<div class="card" id="member-card"><h2>${t(lang, 'card.title')}</h2><p>${esc(t(lang, 'card.balance', { amount: cardMoney(w.card.total, w.card.currency) }))}</p><a class="btn" href="${esc(w.card.path)}">${t(lang, 'portal.cardOpen')}</a></div>` : ''}
<div class="card" id="vouchers"><h2>${t(lang, 'game.myVouchers')}</h2>${w.vouchers.length === 0 ? `<p class="muted">${t(lang, 'game.noVouchers')}</p>` : `<ul>${w.vouchers.map((v) => voucherLine(lang, v)).join('')}</ul>`}</div>
${info.length ? `<div class="card"><h2>${t(lang, 'portal.store')}</h2>${info.map((x) => `<p>${esc(pick(lang, x))}</p>`).join('')}</div>` : ''}`,
  )
}

export interface PrizeView {
  name: LocalText
  value: string | null
  path: string
  back: string
  /** The wheel's prizes, the index of the one won, and whether to spin (the first view only). */
  wheel: { names: LocalText[]; won: number; spin: boolean }
}

export function prizePage(s: Shell, p: PrizeView): string {
  const lang = s.lang
  const names = p.wheel.names.map((n) => pick(lang, n))
  return layout(
    s,
    t(lang, 'game.youWon'),
    `<div class="card">${wheelHtml(names, p.wheel.won, p.wheel.spin, s.primary)}<div class="reveal"><h1>${t(lang, 'game.youWon')}</h1><p class="prize">${esc(pick(lang, p.name))}</p>${p.value ? `<p>${esc(p.value)}</p>` : ''}
<p><a class="btn" href="${esc(p.path)}">${t(lang, 'portal.showCashier')}</a></p><a class="back" href="${esc(p.back)}">${t(lang, 'game.back')}</a></div></div>`,
  )
}

/** The game's rules on the phone: every prize, units left, its chance, and the draw record. */
export function rulesPage(s: Shell, r: GameRules, back: string): string {
  const lang = s.lang
  const percent = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`
  const rows = r.prizes
    .map(
      (p) =>
        `<tr><td>${esc(pick(lang, p.name))}</td><td>${p.left === null ? t(lang, 'rules.always') : p.left}</td><td>${percent(p.chance)}</td></tr>`,
    )
    .join('')
  const past = r.revealed
    .map((d) => `<li><code>${d.day} · SHA-256 ${d.fingerprint} · seed ${d.seed}</code></li>`)
    .join('')
  return layout(
    s,
    t(lang, 'rules.title'),
    `<div class="card"><h1>${t(lang, 'rules.title')}</h1>
<table class="rules"><tr><th>${t(lang, 'rules.prize')}</th><th>${t(lang, 'rules.left')}</th><th>${t(lang, 'rules.chance')}</th></tr>${rows}</table>
<p>${esc(t(lang, 'rules.perDay', { count: r.playsPerDay }))}</p><p class="muted">${esc(t(lang, 'rules.howDraw'))}</p>
<p><strong>${t(lang, 'rules.todayFingerprint')}</strong><br><code>${r.today.fingerprint ?? t(lang, 'rules.notYet')}</code></p>
${past ? `<h2>${t(lang, 'rules.pastDays')}</h2><ul>${past}</ul>` : ''}<a class="back" href="${esc(back)}">${t(lang, 'game.back')}</a></div>`,
  )
}
