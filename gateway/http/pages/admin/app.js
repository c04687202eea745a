// The back office's overview, live: /admin/api/events sends the whole overview whenever a
// device changes and every few seconds; this page only draws it, in the manager's
// language (the catalog, gateway/i18n), and says so when its link to the gateway is gone.
import { loadMessages } from '/i18n/i18n.js'

const $ = (id) => document.getElementById(id)
const lang = document.querySelector('meta[name="tillside-lang"]').content
const el = (tag, props = {}, ...children) => {
  const e = Object.assign(document.createElement(tag), props)
  e.append(...children)
  return e
}
let m = null
const t = (key, vars) => m.t(lang, key, vars)
const time = (iso) => new Date(iso).toLocaleTimeString(m.dates(lang), { hour: '2-digit', minute: '2-digit' })
const gb = (bytes) => `${(bytes / 1e9).toFixed(bytes < 1e10 ? 1 : 0)} GB`
const GOOD = new Set(['online', 'ok'])
const WARN = new Set(['connecting', 'paper_near_end', 'starting'])
const health = (state) => (state === 'disabled' ? 'off' : GOOD.has(state) ? 'good' : WARN.has(state) ? 'warn' : 'bad')

/** One card: a title, then lines of [state, words] or plain words. */
function card(title, lines) {
  return el(
    'article',
    { className: 'card' },
    el('h2', { textContent: title }),
    ...lines.map((line) =>
      typeof line === 'string'
        ? el('p', { textContent: line })
        : el(
            'p',
            { className: 'state' },
            el('span', { className: `dot ${health(line.state)}`, ariaHidden: 'true' }),
            el(
              'span',
              {},
              ...(line.label ? [el('strong', { textContent: line.label }), ' '] : []),
              `${t(`admin.state.${line.state}`)}${line.since ? ` · ${t('admin.since', { time: time(line.since) })}` : ''}`,
            ),
          ),
    ),
  )
}

function draw(o) {
  $('alarms').replaceChildren(
    ...(o.alarms.length
      ? o.alarms.map((a) =>
          el(
            'div',
            { className: `alarm ${a.code}`, role: 'alert' },
            el('strong', {
              textContent: t(`admin.alarm.${a.code}.title`, { subject: a.subject ?? '', count: a.count }),
            }),
            el(
              'p',
              {},
              t(`admin.alarm.${a.code}.todo`),
              ...(a.href ? [' ', el('a', { href: a.href, textContent: t('admin.alarmOpen') })] : []),
            ),
          ),
        )
      : [el('p', { className: 'all-well', textContent: `✓ ${t('admin.allWell')}` })]),
  )
  const cards = [
    card(t('admin.devices'), [
      ...o.scanners.map((s) => ({ label: `${t('admin.scanner')} ${s.name ?? s.id}`, state: s.state, since: s.since })),
      ...o.printers.flatMap((p) => [
        { label: `${t('admin.printer')} ${p.name ?? p.id}`, state: p.state, since: p.since },
        ...(p.queued ? [t('admin.queued', { count: p.queued })] : []),
      ]),
    ]),
    card(t('admin.kiosk'), [t('admin.kioskScreens', { count: o.kioskScreens })]),
    card(t('admin.sync'), [
      { label: '', state: o.sync.state, since: o.sync.since },
      ...(o.sync.backlog ? [t('admin.backlog', { count: o.sync.backlog })] : []),
    ]),
    card(t('admin.journal'), [
      { label: '', state: o.journal.state },
      t('admin.events', { count: o.journal.lastSeq }),
      ...(o.journal.integrity === 'ok' ? [t('admin.integrityOk')] : []),
    ]),
  ]
  if (o.portal) cards.splice(2, 0, card(t('admin.portal'), [t('admin.guestsOnline', { count: o.portal.guestsOnline })]))
  if (o.disk)
    cards.push(card(t('admin.disk'), [t('admin.diskFree', { free: gb(o.disk.free), total: gb(o.disk.total) })]))
  $('cards').replaceChildren(...cards)
}

function live(state) {
  $('live').dataset.state = state
  $('live').textContent = state === 'open' ? t('admin.live') : t('admin.reconnecting')
}

async function boot() {
  m = await loadMessages()
  const events = new EventSource('/admin/api/events')
  events.addEventListener('overview', (e) => {
    live('open')
    draw(JSON.parse(e.data))
  })
  events.onerror = () => {
    live('closed')
    // Logged out or timed out: the page itself knows where to go.
    fetch('/admin/api/overview').then(
      (r) => r.status === 401 && location.reload(),
      () => {},
    )
  }
}
boot()
