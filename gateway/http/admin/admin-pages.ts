/**
 * The back office's HTML: the login form and the console's frame (header, navigation,
 * language switch, logout), rendered on the server in the manager's language; the
 * console's live parts are drawn by /admin/app.js. No inline script or style (CSP).
 */
import type { Lang } from '../../../config/schema-parts.js'
import { langTag, switchLabel, nextLang, t } from '../../i18n/messages.js'
import type { AdminUser } from '../../admin/admin-auth.js'

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

export interface Frame {
  lang: Lang
  languages: readonly Lang[]
  storeName: string
  /** This page's address with ?lang= for the switch. */
  path: string
}

function head(f: Frame, title: string): string {
  return `<!doctype html><html lang="${langTag(f.lang)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="tillside-lang" content="${f.lang}">
<title>${esc(title)} · ${esc(f.storeName)}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/admin/app.css">`
}

const langLink = (f: Frame) => {
  if (f.languages.length < 2) return ''
  const next = nextLang(f.lang, f.languages)
  const sep = f.path.includes('?') ? '&' : '?'
  return `<a class="lang" href="${esc(`${f.path}${sep}lang=${next}`)}" lang="${langTag(next)}">${esc(switchLabel(f.lang, f.languages))}</a>`
}

export function loginPage(
  f: Frame,
  p: { csrf: string; next: string; user?: string; error?: string | null; notice?: string | null; noUsers: boolean },
): string {
  const lang = f.lang
  return `${head(f, t(lang, 'admin.login'))}</head><body class="login"><main class="card">
<header><strong>${esc(f.storeName)}</strong>${langLink(f)}</header>
<h1>${t(lang, 'admin.title')}</h1>
${p.notice ? `<p class="notice" role="status">${esc(p.notice)}</p>` : ''}${p.error ? `<p class="error" role="alert">${esc(p.error)}</p>` : ''}
${p.noUsers ? `<p class="error">${esc(t(lang, 'admin.noUsers'))}</p>` : ''}
<form method="post" action="/admin/login" novalidate>
<input type="hidden" name="_csrf" value="${esc(p.csrf)}"><input type="hidden" name="next" value="${esc(p.next)}">
<label>${t(lang, 'admin.user')}<input name="user" autocomplete="username" required maxlength="32" value="${esc(p.user ?? '')}" autofocus></label>
<label>${t(lang, 'admin.password')}<input name="password" type="password" autocomplete="current-password" required maxlength="200"></label>
<button type="submit">${t(lang, 'admin.login')}</button></form></main></body></html>`
}

const PAGES = [
  { path: '/admin', key: 'admin.overview' },
  { path: '/admin/trends', key: 'admin.trends' },
] as const

/** The console's frame around a page's body; `script` is the page's module under /admin/. */
export function consolePage(
  f: Frame,
  user: AdminUser,
  csrf: string,
  page: { path: string; title: string; script: string; styles?: string[] },
  body: string,
): string {
  const lang = f.lang
  const nav = PAGES.map(
    (p) => `<a href="${p.path}"${p.path === page.path ? ' aria-current="page"' : ''}>${t(lang, p.key)}</a>`,
  ).join('')
  const styles = (page.styles ?? []).map((href) => `<link rel="stylesheet" href="${href}">`).join('')
  return `${head(f, page.title)}${styles}<script type="module" src="${page.script}"></script></head><body>
<header class="top"><strong>${esc(f.storeName)}</strong><nav>${nav}</nav>
<span class="who">${esc(user.name)}</span>${langLink(f)}
<form method="post" action="/admin/logout"><input type="hidden" name="_csrf" value="${esc(csrf)}"><button type="submit">${t(lang, 'admin.logout')}</button></form></header>
<main>${body}</main></body></html>`
}

export function overviewBody(lang: Lang): string {
  return `<h1>${t(lang, 'admin.overview')} <span id="live" class="live" data-state="connecting"></span></h1>
<section id="alarms" aria-live="polite"></section>
<section class="grid" id="cards"></section>`
}

export type Range = 'today' | '7' | '30' | '90'

/** Today and trends: the range switch, three charts with their figures as a table, and the funnel. */
export function trendsBody(lang: Lang, range: Range): string {
  const ranges: Range[] = ['today', '7', '30', '90']
  const label = (r: Range) => (r === 'today' ? t(lang, 'admin.today') : t(lang, 'admin.days', { count: Number(r) }))
  const tabs = ranges
    .map((r) => `<a href="/admin/trends?range=${r}"${r === range ? ' aria-current="page"' : ''}>${esc(label(r))}</a>`)
    .join('')
  const chart = (id: string, key: 'admin.chartVisitors' | 'admin.chartVouchers' | 'admin.chartSales') =>
    `<figure class="card chart"><figcaption>${t(lang, key)}</figcaption><div id="${id}" class="plot"></div></figure>`
  return `<h1>${t(lang, 'admin.trends')}</h1><nav class="tabs" data-range="${range}">${tabs}</nav>
<section class="card funnel"><h2>${t(lang, 'admin.funnel')}</h2><ol id="funnel"></ol></section>
<section class="charts">${chart('visitors', 'admin.chartVisitors')}${chart('vouchers', 'admin.chartVouchers')}${chart('sales', 'admin.chartSales')}</section>
<section class="card pipe"><h2>${t(lang, 'admin.pipe')}</h2><table><thead><tr><th>${t(lang, 'admin.pipeStore')}</th><th>${t(lang, 'admin.pipeOffer')}</th><th>${t(lang, 'admin.pipeUsed')}</th><th>${t(lang, 'admin.pipeWorth')}</th></tr></thead><tbody id="pipe"></tbody></table></section>`
}
