// Today and trends: the rollups' figures for the chosen range as uPlot charts (served by
// the gateway: no CDN, the store may be offline), each with its totals as text, and the
// funnel from the Wi-Fi to the till with the share kept at each step.
import uPlot from '/admin/uplot.js'
import { loadMessages } from '/i18n/i18n.js'

const $ = (id) => document.getElementById(id)
const lang = document.querySelector('meta[name="tillside-lang"]').content
const range = document.querySelector('.tabs').dataset.range
const el = (tag, props = {}, ...children) => {
  const e = Object.assign(document.createElement(tag), props)
  e.append(...children)
  return e
}
const COLOURS = {
  wifi_joins: '#2563eb',
  members_new: '#16a34a',
  plays: '#d97706',
  issued: '#7c3aed',
  redeemed: '#dc2626',
  sales: '#0f766e',
}
const STEPS = ['wifi_joins', 'members_new', 'plays', 'issued', 'redeemed']
let m = null
const t = (key, vars) => m.t(lang, key, vars)
const sum = (xs) => xs.reduce((a, b) => a + b, 0)
const tick = (ms) =>
  range === 'today'
    ? new Date(ms).toLocaleTimeString(m.dates(lang), { hour: '2-digit', minute: '2-digit' })
    : new Date(ms).toLocaleDateString(m.dates(lang), { month: 'numeric', day: 'numeric' })
const money = (minor) =>
  (minor / 100).toLocaleString(m.dates(lang), { minimumFractionDigits: 2, maximumFractionDigits: 2 })

/** One chart: `series` are [name, values]; under it, each series' total for the range. */
function chart(id, at, series, format = String) {
  const box = $(id)
  const width = box.clientWidth || 600
  const opts = {
    width,
    height: 260,
    scales: { x: { time: true } },
    // Ticks in the page's language and the store's clock: hours today, dates over days.
    axes: [{ values: (_u, ticks) => ticks.map((s) => tick(s * 1000)) }, { values: (_u, ticks) => ticks.map(format) }],
    series: [
      { label: t('admin.when') },
      ...series.map(([name]) => ({
        label: t(`admin.series.${name}`),
        stroke: COLOURS[name],
        width: 2,
        points: { show: at.length < 40 },
      })),
    ],
    legend: { show: true },
  }
  box.replaceChildren()
  if (box.nextElementSibling?.classList.contains('totals')) box.nextElementSibling.remove()
  new uPlot(opts, [at.map((ms) => ms / 1000), ...series.map(([, values]) => values)], box)
  box.after(
    el(
      'p',
      { className: 'totals' },
      ...series.map(([name, values]) =>
        el('span', {}, `${t(`admin.series.${name}`)}: `, el('strong', { textContent: format(sum(values)) })),
      ),
    ),
  )
}

/** The seeds' steps; the last one also at partner stores when the cloud has counted them (`elsewhere`). */
function funnel(count, elsewhere) {
  const totals = STEPS.map((s) => sum(count[s]))
  const top = Math.max(1, ...totals, elsewhere ?? 0)
  const partners = () => {
    const fill = el('span', { className: 'fill redeemed elsewhere' })
    fill.style.width = `${(elsewhere / top) * 100}%`
    return el(
      'li',
      {},
      el('span', { className: 'step', textContent: t('admin.step.redeemedElsewhere') }),
      el('span', { className: 'bar' }, fill),
      el('strong', { textContent: elsewhere.toLocaleString(m.dates(lang)) }),
      el('span', { className: 'share', textContent: t('admin.cloudCount') }),
    )
  }
  $('funnel').replaceChildren(
    ...STEPS.map((step, i) => {
      const share = i > 0 && totals[i - 1] > 0 ? `${Math.round((totals[i] / totals[i - 1]) * 100)}%` : null
      const fill = el('span', { className: `fill ${step}` })
      fill.style.width = `${(totals[i] / top) * 100}%` // CSSOM: allowed under the page's CSP
      return el(
        'li',
        {},
        el('span', { className: 'step', textContent: t(`admin.step.${step}`) }),
        el('span', { className: 'bar' }, fill),
        el('strong', { textContent: totals[i].toLocaleString(m.dates(lang)) }),
        el('span', { className: 'share', textContent: share ? t('admin.ofStepBefore', { percent: share }) : '' }),
      )
    }),
    ...(elsewhere === null ? [] : [partners()]),
  )
}

/** The closed pipe's arrivals: each store's vouchers used here, by its name (never an id). */
function pipe(rows) {
  const cell = (text) => el('td', { textContent: text })
  $('pipe').replaceChildren(
    ...(rows.length
      ? rows.map((r) =>
          el(
            'tr',
            {},
            cell(r.own ? t('admin.thisStore', { name: r.issuerName }) : (r.issuerName ?? t('admin.partnerStore'))),
            cell(m.pick(lang, r.campaignName)),
            cell(r.used.toLocaleString(m.dates(lang))),
            cell(r.value ? money(r.value) : ''),
          ),
        )
      : [el('tr', {}, el('td', { colSpan: 4, textContent: t('admin.noData') }))]),
  )
}

// Today moves while the manager watches: its figures are read again every few seconds
// (a rollup read costs well under a millisecond); past days do not change.
const REFRESH_MS = 5000
let drawn = ''

/** The pipe's departures: this store's vouchers used at partners, as the cloud last counted them. */
function departures(d) {
  const cell = (text) => el('td', { textContent: text })
  const when = d.at && new Date(d.at).toLocaleString(m.dates(lang), { dateStyle: 'medium', timeStyle: 'short' })
  $('departures-at').textContent = d.at
    ? t('admin.departuresAt', { time: when, count: d.days })
    : t('admin.departuresNone')
  $('departures').replaceChildren(
    ...(d.rows.length
      ? d.rows.map((r) =>
          el(
            'tr',
            {},
            cell(r.redeemerName ?? t('admin.partnerStore')),
            cell(m.pick(lang, r.campaignName)),
            cell(r.used.toLocaleString(m.dates(lang))),
            cell(r.value ? money(r.value) : ''),
          ),
        )
      : [el('tr', {}, el('td', { colSpan: 4, textContent: t('admin.noData') }))]),
  )
}

async function draw() {
  const res = await fetch(range === 'today' ? '/admin/api/today' : `/admin/api/trends?days=${range}`)
  if (res.status === 401) return location.reload()
  const data = await res.json()
  const days = range === 'today' ? 1 : range
  const rows = await (await fetch(`/admin/api/pipe?days=${days}`)).json()
  const away = await (await fetch(`/admin/api/pipe-departures?days=${days}`)).json()
  const seen = JSON.stringify([data, rows, away])
  if (seen === drawn) return
  drawn = seen
  pipe(rows)
  departures(away)
  const pick = (names) => names.map((n) => [n, data.count[n]])
  funnel(data.count, away.at ? sum(away.rows.map((r) => r.used)) : null)
  chart('visitors', data.at, pick(['wifi_joins', 'members_new', 'plays']))
  chart('vouchers', data.at, pick(['issued', 'redeemed']))
  chart('sales', data.at, [['sales', data.amount.sales]], money)
  document.body.dataset.ready = 'true'
  document.body.dataset.scans = String(sum(data.count.scans))
}

async function boot() {
  m = await loadMessages()
  await draw()
  if (range !== 'today') return
  setInterval(() => document.visibilityState === 'visible' && draw().catch(() => {}), REFRESH_MS)
}
boot()
