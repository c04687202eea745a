/**
 * The back office's HTML: the login form and the console's frame (header, navigation,
 * language switch, logout), rendered on the server in the manager's language; the
 * console's live parts are drawn by /admin/app.js. No inline script or style (CSP).
 */
import type { Lang } from '../../../config/schema-parts.js'
import { langTag, switchLabel, nextLang, t, type MessageKey } from '../../i18n/messages.js'
import type { AdminRole, AdminUser } from '../../admin/admin-auth.js'
import { esc } from '../html.js'

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

/** The console's pages in the order of its navigation; `staff` pages are open to every user, the rest to managers. */
export const PAGES = [
  { path: '/admin', key: 'admin.overview', staff: true },
  { path: '/admin/trends', key: 'admin.trends', staff: false },
  { path: '/admin/campaigns', key: 'admin.campaigns', staff: false },
  { path: '/admin/vouchers', key: 'admin.vouchers', staff: true },
  { path: '/admin/print', key: 'admin.printQueue', staff: true },
  { path: '/admin/members', key: 'admin.members', staff: false },
  { path: '/admin/messages', key: 'admin.messages', staff: false },
  { path: '/admin/export', key: 'admin.export', staff: false },
] as const satisfies readonly { path: string; key: MessageKey; staff: boolean }[]

/** Whether a role may open a path of the console: the page it belongs to decides (its sub-paths and APIs too). */
export function mayOpen(role: AdminRole, path: string): boolean {
  if (role === 'manager') return true
  const area = path.replace(/^\/admin\/api/, '/admin').split('?')[0]!
  const page = [...PAGES]
    .sort((a, b) => b.path.length - a.path.length)
    .find((p) => area === p.path || area.startsWith(`${p.path}/`))
  return page?.staff === true
}

export interface PageSpec {
  /** The page's own path: it decides the role check and the highlighted navigation item. */
  path: string
  title: MessageKey
  /** The page's module under /admin/, when it has live parts. */
  script?: string
  styles?: readonly string[]
}

/** The console's frame around a page's body. */
export function consolePage(f: Frame, user: AdminUser, csrf: string, page: PageSpec, body: string): string {
  const lang = f.lang
  const nav = PAGES.filter((p) => mayOpen(user.role, p.path))
    .map((p) => `<a href="${p.path}"${p.path === page.path ? ' aria-current="page"' : ''}>${t(lang, p.key)}</a>`)
    .join('')
  const styles = (page.styles ?? []).map((href) => `<link rel="stylesheet" href="${href}">`).join('')
  const script = page.script ? `<script type="module" src="${page.script}"></script>` : ''
  return `${head(f, t(lang, page.title))}${styles}${script}</head><body>
<header class="top"><strong>${esc(f.storeName)}</strong><nav>${nav}</nav>
<span class="who">${esc(user.name)}</span>${langLink(f)}
<form method="post" action="/admin/logout"><input type="hidden" name="_csrf" value="${esc(csrf)}"><button type="submit">${t(lang, 'admin.logout')}</button></form></header>
<main>${body}</main></body></html>`
}

/** What a staff member sees on a manager's page. */
export function forbiddenBody(lang: Lang): string {
  return `<h1>${t(lang, 'admin.managerOnlyTitle')}</h1><p class="notice">${esc(t(lang, 'admin.managerOnly'))}</p>
<p><a href="/admin">${t(lang, 'admin.overview')}</a></p>`
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
<section class="card pipe"><h2>${t(lang, 'admin.pipe')}</h2><table><thead><tr><th>${t(lang, 'admin.pipeStore')}</th><th>${t(lang, 'admin.pipeOffer')}</th><th>${t(lang, 'admin.pipeUsed')}</th><th>${t(lang, 'admin.pipeWorth')}</th></tr></thead><tbody id="pipe"></tbody></table></section>
<section class="card pipe"><h2>${t(lang, 'admin.departures')}</h2><p class="muted" id="departures-at"></p><table><thead><tr><th>${t(lang, 'admin.usedAtStore')}</th><th>${t(lang, 'admin.pipeOffer')}</th><th>${t(lang, 'admin.pipeUsed')}</th><th>${t(lang, 'admin.pipeWorth')}</th></tr></thead><tbody id="departures"></tbody></table></section>`
}
