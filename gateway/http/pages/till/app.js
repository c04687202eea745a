// The cashier screen. Plain browser JavaScript (no build step), served by the gateway
// with CSP script-src 'self'. Results arrive over Server-Sent Events from /api/till/events.
'use strict'

const TEXT = {
  en: {
    title: 'Till',
    enterPin: 'Enter your PIN',
    logout: 'Log out',
    waiting: 'Scan a voucher',
    recent: 'Recent',
    voidTitle: 'Void this redemption?',
    cancel: 'Cancel',
    void: 'Void',
    voided: 'voided',
    wrongPin: 'Wrong PIN',
    locked: 'Too many wrong PINs — wait',
    handOver: 'Hand over:',
    redeemedAt: 'Redeemed',
    at: 'at',
    clear: 'Clear',
    ok: 'OK',
  },
  zh: {
    title: '收银台',
    enterPin: '请输入PIN码',
    logout: '退出',
    waiting: '请扫描优惠券',
    recent: '最近记录',
    voidTitle: '撤销这次核销？',
    cancel: '取消',
    void: '撤销',
    voided: '已撤销',
    wrongPin: 'PIN码错误',
    locked: '错误次数过多，请稍候',
    handOver: '给顾客：',
    redeemedAt: '核销于',
    at: '门店',
    clear: '清除',
    ok: '确定',
  },
}
let lang = localStorage.getItem('tillside.lang') || (navigator.language.startsWith('zh') ? 'zh' : 'en')
let session = null
let results = []
let events = null
const $ = (id) => document.getElementById(id)
const t = (key) => TEXT[lang][key]

function applyLanguage() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en'
  $('lang').textContent = lang === 'zh' ? 'English' : '中文'
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n)
  if (session) $('who').textContent = `${t('title')} — ${session.name}`
  render()
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
  if (events) events.close()
  $('login').hidden = false
  $('till').hidden = true
  $('logout').hidden = true
  $('who').textContent = t('title')
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
  $('link').dataset.state = 'connecting'
  events.addEventListener('open', () => {
    $('link').dataset.state = 'open'
  })
  events.addEventListener('error', async () => {
    $('link').dataset.state = 'closed'
    // A 401 (session expired, gateway restarted) also lands here: check, then log in again.
    const { status } = await api('/api/till/session')
    if (status === 401) showLogin()
  })
  events.addEventListener('history', (e) => {
    results = JSON.parse(e.data)
    render()
  })
  events.addEventListener('result', (e) => {
    const r = JSON.parse(e.data)
    const i = results.findIndex((x) => x.id === r.id)
    if (i >= 0) results[i] = r
    else {
      results.unshift(r)
      results.length = Math.min(results.length, 20)
      beep(r.ok)
    }
    render(i < 0 ? r : null)
  })
}

function formatTime(ms) {
  return new Date(ms).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB')
}

function describe(r) {
  let detail = r.advice ? r.advice[lang] : r.detail || ''
  if (r.previous) detail = `${t('redeemedAt')} ${formatTime(r.previous.time)} ${t('at')} ${r.previous.store}`
  return { headline: r.headline[lang], handOver: r.handOver ? `${t('handOver')} ${r.handOver[lang]}` : '', detail }
}

function render(latest) {
  const top = latest || results[0]
  const box = $('result')
  if (top) {
    const d = describe(top)
    box.dataset.state = top.voided ? 'info' : top.ok ? 'valid' : top.kind === 'voucher' ? 'rejected' : 'info'
    $('headline').textContent = top.voided ? `${d.headline} (${t('voided')})` : d.headline
    $('handover').textContent = d.handOver
    $('detail').textContent = d.detail
  }
  const list = $('history')
  list.replaceChildren(
    ...results.map((r) => {
      const li = document.createElement('li')
      li.className = `${r.ok ? 'ok' : 'bad'}${r.voided ? ' voided' : ''}`
      li.dataset.id = r.id
      const d = describe(r)
      const mark = Object.assign(document.createElement('span'), { className: 'mark', textContent: r.ok ? '✓' : '✗' })
      const text = Object.assign(document.createElement('span'), {
        className: 'text',
        textContent: `${new Date(r.time).toLocaleTimeString()}  ${d.headline}  ${d.handOver}`,
      })
      li.append(mark, text)
      if (r.ok && r.redemptionId && !r.voided) {
        const b = Object.assign(document.createElement('button'), {
          type: 'button',
          textContent: t('void'),
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
      ? t('wrongPin')
      : status === 429
        ? t('locked')
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
    } else $('login-error').textContent = status === 429 ? t('locked') : t('wrongPin')
  },
  $('pin-dots'),
)
resetVoidPad = keypad($('void-keypad'), doVoid, $('void-dots'))

$('lang').addEventListener('click', () => {
  lang = lang === 'zh' ? 'en' : 'zh'
  localStorage.setItem('tillside.lang', lang)
  applyLanguage()
})
$('logout').addEventListener('click', async () => {
  await api('/api/till/logout', {})
  showLogin()
})

applyLanguage()
api('/api/till/session').then(({ status, data }) => (status === 200 ? showTill(data) : showLogin()))
