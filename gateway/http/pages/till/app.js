// The cashier screen. Plain browser JavaScript (no build step), served by the gateway
// with CSP script-src 'self'. Results arrive over Server-Sent Events from /api/till/events.
// Its words come from the message catalog (gateway/i18n) in the store's languages.
import { loadMessages } from '/i18n/i18n.js'
import { cardPanel } from '/till/card.js'
import { refundDialog } from '/till/payments.js'

// A result stays on the banner this long, then it asks for the next scan: a VALID from
// minutes ago must never be read as the voucher in the cashier's hand.
const SHOW_MS = 20_000
// The gateway sends a ping every 15 s; this long without a word and the screen is offline.
const SILENT_MS = 40_000

let messages = null
let languages = []
let lang = 'en'
let session = null
let results = []
let events = null
/** The result on the banner and when it arrived (not its journal time: that is in the text). */
let banner = null
let online = false
let lastWord = 0
let card = null
let refunds = null
const $ = (id) => document.getElementById(id)
const t = (key, vars) => messages.t(lang, key, vars)

/** The cashier's last choice if the store still offers it, else the browser's language, else the store's first. */
function startLanguage() {
  const saved = localStorage.getItem('tillside.lang')
  if (languages.includes(saved)) return saved
  const browser = navigator.language.toLowerCase()
  const guess = /^zh-(tw|hk|mo|hant)/.test(browser) ? 'zh-TW' : browser.startsWith('zh') ? 'zh' : 'en'
  return languages.includes(guess) ? guess : languages[0]
}

function applyLanguage() {
  document.documentElement.lang = messages.tag(lang)
  $('lang').textContent = messages.label(lang)
  $('lang').hidden = languages.length < 2
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n)
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) {
    el.placeholder = t(el.dataset.i18nPlaceholder)
    el.setAttribute('aria-label', el.placeholder)
  }
  if (session) $('who').textContent = `${t('till.title')} — ${session.name}`
  render()
  card.render()
  refunds.render()
}

function keypad(container, onDone, dots) {
  let pin = ''
  const show = () => {
    dots.textContent = '•'.repeat(pin.length)
  }
  for (const key of ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'clear', '0', 'ok']) {
    const b = document.createElement('button')
    b.type = 'button'
    b.dataset.key = key
    b.textContent = key === 'clear' ? '⌫' : key === 'ok' ? '✓' : key
    b.addEventListener('click', () => {
      if (key === 'clear') pin = pin.slice(0, -1)
      else if (key === 'ok') {
        if (pin.length >= 4) {
          const p = pin
          pin = ''
          onDone(p)
        }
      } else if (pin.length < 8) pin += key
      show()
    })
    container.appendChild(b)
  }
  return () => {
    pin = ''
    show()
  }
}

async function api(path, body) {
  const res = await fetch(path, {
    method: body ? 'POST' : 'GET',
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  })
  const data = res.status === 204 ? null : await res.json()
  return { status: res.status, data }
}

function showLogin() {
  session = null
  online = false
  if (events) events.close()
  $('login').hidden = false
  $('till').hidden = true
  $('logout').hidden = true
  $('who').textContent = t('till.title')
  card.hide()
  if ($('refund-dialog').open) $('refund-dialog').close()
}

function showTill(s) {
  session = s
  $('login').hidden = true
  $('till').hidden = false
  $('logout').hidden = false
  applyLanguage()
  connect()
}

function connect() {
  if (events) events.close()
  events = new EventSource('/api/till/events')
  setOnline(false)
  const heard = () => {
    lastWord = Date.now()
    if (!online) setOnline(true)
  }
  events.addEventListener('open', heard)
  events.addEventListener('ping', heard)
  events.addEventListener('error', async () => {
    setOnline(false)
    // A 401 (session expired, gateway restarted) also lands here: check, then log in again.
    const { status } = await api('/api/till/session').catch(() => ({ status: 0 }))
    if (status === 401) showLogin()
  })
  events.addEventListener('history', (e) => {
    heard()
    results = JSON.parse(e.data)
    renderList()
  })
  events.addEventListener('result', (e) => {
    heard()
    const r = JSON.parse(e.data)
    const i = results.findIndex((x) => x.id === r.id)
    if (i >= 0) results[i] = r
    else {
      results.unshift(r)
      results.length = Math.min(results.length, 20)
      beep(r.ok)
      // A wallet code scanned for a card top-up is the card's: the banner must not say "charge it at the POS".
      const forCard = r.kind === 'payment' && card.onWalletScan(r.id)
      if (!forCard) banner = { result: r, at: Date.now() }
      // A member of another store shows on the card panel too, paid or refused by their home store.
      if (r.kind === 'member' && (r.ok || (r.cardMove && r.cardMove.home))) void card.onMember(r)
    }
    if (banner && banner.result.id === r.id) banner.result = r
    renderBanner()
    renderList()
  })
}

function setOnline(value) {
  online = value
  $('link').dataset.state = value ? 'open' : 'closed'
  // Back online, the old result is history: the banner waits for the next scan.
  if (value) banner = null
  renderBanner()
}

/** Day and minute, in the screen's language: when a payment was made. */
function formatShort(ms) {
  const opts = { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }
  return new Date(ms).toLocaleString(messages.dates(lang), opts)
}

function formatTime(ms) {
  return new Date(ms).toLocaleString(messages.dates(lang))
}

function describe(r) {
  let detail = r.advice ? messages.pick(lang, r.advice) : r.uses ? t('till.use', r.uses) : ''
  if (r.previous) detail = t('till.usedAt', { time: formatTime(r.previous.time), store: r.previous.storeName })
  const name = r.voucher && r.voucher.name ? messages.pick(lang, r.voucher.name) : ''
  const handOver = r.handOver ? messages.pick(lang, r.handOver) : ''
  return { headline: messages.pick(lang, r.headline), handOver, detail, name }
}

// Scans that are not a voucher's yes or no: nothing failed, the till just says what they are.
const INFO_REASONS = ['product', 'payment_code', 'unknown']

/** valid (a voucher taken), rejected (something refused) or info (members, product and payment codes). */
function stateOf(r) {
  if (r.voided) return 'info'
  if (r.ok) return r.kind === 'voucher' ? 'valid' : 'info'
  return INFO_REASONS.includes(r.reason) ? 'info' : 'rejected'
}

function renderBanner() {
  const box = $('result')
  const shown = online && banner && Date.now() - banner.at < SHOW_MS ? banner.result : null
  if (!online) {
    box.dataset.state = 'offline'
    $('headline').textContent = t('till.offline')
    $('handover').textContent = ''
    $('detail').textContent = t('till.reconnecting')
    $('meta').textContent = ''
  } else if (!shown) {
    box.dataset.state = 'idle'
    $('headline').textContent = t('till.waiting')
    $('handover').textContent = ''
    $('detail').textContent = ''
    $('meta').textContent = ''
  } else {
    const d = describe(shown)
    box.dataset.state = stateOf(shown)
    $('headline').textContent = shown.voided ? `${d.headline} (${t('till.voided')})` : d.headline
    $('handover').textContent = d.handOver
    $('detail').textContent = d.detail
    const ago = agoText(Math.max(0, Math.round((Date.now() - shown.time) / 1000)))
    const scanned = t('till.scanned', { time: new Date(shown.time).toLocaleTimeString(messages.dates(lang)), ago })
    $('meta').textContent = d.name ? `${d.name} · ${scanned}` : scanned
  }
}

function agoText(s) {
  if (s < 5) return t('till.justNow')
  return s < 60 ? t('till.secondsAgo', { count: s }) : t('till.minutesAgo', { count: Math.floor(s / 60) })
}

function render() {
  renderBanner()
  renderList()
}

function renderList() {
  const list = $('history')
  list.replaceChildren(
    ...results.map((r) => {
      const li = document.createElement('li')
      const state = stateOf(r)
      li.className = `${state}${r.voided ? ' voided' : ''}`
      li.dataset.id = r.id
      const d = describe(r)
      const mark = Object.assign(document.createElement('span'), {
        className: 'mark',
        textContent: state === 'valid' ? '✓' : state === 'rejected' ? '✗' : '•',
      })
      const text = Object.assign(document.createElement('span'), {
        className: 'text',
        textContent: [new Date(r.time).toLocaleTimeString(messages.dates(lang)), d.headline, d.name, d.handOver]
          .filter(Boolean)
          .join('  '),
      })
      li.append(mark, text)
      if (r.ok && r.redemptionId && !r.voided) {
        const b = Object.assign(document.createElement('button'), {
          type: 'button',
          textContent: t('till.void'),
          className: 'void',
        })
        b.addEventListener('click', () => askVoid(r))
        li.append(b)
      }
      return li
    }),
  )
}

let voidTarget = null
let resetVoidPad = () => {}
function askVoid(r) {
  voidTarget = r
  $('void-what').textContent = describe(r).handOver
  $('void-error').textContent = ''
  resetVoidPad()
  $('void-dialog').showModal()
}

async function doVoid(pin) {
  const { status, data } = await api('/api/till/void', { redemptionId: voidTarget.redemptionId, pin })
  if (status === 200 && data.ok) return $('void-dialog').close()
  $('void-error').textContent =
    status === 403
      ? t('till.wrongPin')
      : status === 429
        ? t('till.locked')
        : (data && (data.reason || data.message)) || String(status)
}

let audio = null
function beep(good) {
  try {
    audio = audio || new AudioContext()
    const tones = good
      ? [[1800, 0.12]]
      : [
          [400, 0.15],
          [300, 0.25],
        ]
    let at = audio.currentTime
    for (const [freq, len] of tones) {
      const o = audio.createOscillator()
      o.frequency.value = freq
      o.connect(audio.destination)
      o.start(at)
      o.stop(at + len)
      at += len + 0.05
    }
  } catch {
    /* no audio device: the colour still tells */
  }
}

keypad(
  $('login-keypad'),
  async (pin) => {
    const { status, data } = await api('/api/till/login', { pin })
    if (status === 200) {
      $('login-error').textContent = ''
      showTill(data)
    } else $('login-error').textContent = status === 429 ? t('till.locked') : t('till.wrongPin')
  },
  $('pin-dots'),
)
resetVoidPad = keypad($('void-keypad'), doVoid, $('void-dots'))
card = cardPanel({ api, t, keypad, time: (ms) => new Date(ms).toLocaleTimeString(messages.dates(lang)) })
refunds = refundDialog({ api, t, keypad, dateTime: (ms) => formatShort(ms) })

$('lang').addEventListener('click', () => {
  lang = messages.next(lang)
  localStorage.setItem('tillside.lang', lang)
  applyLanguage()
})
$('logout').addEventListener('click', async () => {
  await api('/api/till/logout', {})
  showLogin()
})

setInterval(() => {
  if (!messages) return
  if (online && Date.now() - lastWord > SILENT_MS) connect() // silent, not closed: start again
  renderBanner()
  card.render()
}, 1000)
/** The catalog and the store's languages first (retried while the gateway is away), then the session. */
async function boot() {
  try {
    messages = await loadMessages()
    languages = messages.languages
  } catch {
    return setTimeout(boot, 2000)
  }
  lang = startLanguage()
  applyLanguage()
  const { status, data } = await api('/api/till/session')
  if (status === 200) showTill(data)
  else showLogin()
}
boot()
