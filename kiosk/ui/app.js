// The kiosk page: attract → who is playing → play → prize (QR + slip) → back to attract.
// The gateway draws the prize; this page only animates the answer it is given. A play's
// id is kept in sessionStorage before it is asked for, so a double tap or a reload
// mid-game asks for the same play again and gets the same prize, never a second one.
import { loadMessages } from '/i18n/i18n.js'
import { createWheel } from './wheel.js'
import { renderRules } from './rules.js'

const $ = (id) => document.getElementById(id)
const params = new URLSearchParams(location.search)
const kioskParam = params.get('kiosk')
const SPIN_MS = Number(params.get('spinMs') ?? 3200)
const store = {
  get: (k) => JSON.parse(sessionStorage.getItem(`tillside.${k}`) ?? 'null'),
  set: (k, v) =>
    v === null
      ? sessionStorage.removeItem(`tillside.${k}`)
      : sessionStorage.setItem(`tillside.${k}`, JSON.stringify(v)),
}
// The catalog (gateway/i18n) and the store's languages; every customer starts in the
// first, and a toggle lasts until the idle reset.
let messages = null
let languages = []
// The wheel rests on the winning segment this long before the prize is shown.
const LAND_PAUSE_MS = Math.min(1200, SPIN_MS)
let lang = store.get('lang') // the store's first language once the catalog is in
let setup = null
let rules = null // the rules screen's last answer, redrawn when the language changes
let prize = null // the play on the prize screen, its words redrawn when the language changes
let vouchers = null // the player's vouchers on "my vouchers", likewise
let phone = ''
let idleTimer = null

const wheel = createWheel($('wheel'), $('wheel-face'), { spinMs: SPIN_MS, landPauseMs: LAND_PAUSE_MS })
const spinning = () => wheel.isSpinning()
const t = (key, vars) => messages.t(lang, key, vars)
const pick = (text) => messages.pick(lang, text)
/** A refusal in the customer's words; a code the catalog does not know reads as `fallback`'s words. */
const errorText = (code, fallback = 'internal') => {
  const key = `kiosk.errors.${code}`
  return t(key) === key ? t(`kiosk.errors.${fallback}`) : t(key)
}
/** Shows (or with no code clears) a refusal under a screen; kept as a code so a language switch rewords it. */
function showError(id, code = null, fallback = 'internal') {
  const el = $(id)
  if (code === null) delete el.dataset.error
  else Object.assign(el.dataset, { error: code, fallback })
  el.textContent = code === null ? '' : errorText(code, fallback)
}

function render() {
  if (!messages) return // the offline screen's words are in the page until the catalog arrives
  document.documentElement.lang = messages.tag(lang)
  $('lang').textContent = messages.label(lang)
  $('lang').hidden = languages.length < 2
  for (const el of document.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t)
  if (setup?.title) $('title').textContent = pick(setup.title)
  $('store').textContent = setup?.store.name ?? ''
  $('prizes').replaceChildren(
    ...(setup?.prizes ?? []).map((p) => Object.assign(document.createElement('li'), { textContent: pick(p.name) })),
  )
  if (!spinning()) wheelFace() // the wheel speaks the page's language too
  $('phone').textContent = phone || '—'
  $('identify-go').disabled = !(phone.length >= 6 && $('consent').checked)
  const left = store.get('player')?.playsLeft
  $('plays-left').textContent =
    left === undefined ? '' : left === 0 ? t('game.noPlaysLeft') : t('game.playsLeft', { count: left })
  // Nothing left to play today: no pulsing button inviting a tap that can only be refused.
  $('play').disabled = left === 0 || spinning()
  $('play').classList.toggle('big', left !== 0)
  if (prize) prizeWords()
  if (vouchers && document.body.dataset.screen === 'vouchers') renderVouchers()
  for (const el of document.querySelectorAll('[data-error]'))
    el.textContent = errorText(el.dataset.error, el.dataset.fallback)
}

function show(screen) {
  for (const s of document.querySelectorAll('.screen')) s.hidden = s.id !== screen
  document.body.dataset.screen = screen
}

async function api(path, body, headers = {}) {
  const kiosk = kioskParam ? { kiosk: kioskParam } : {}
  const res = await fetch(
    path,
    body
      ? {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ ...body, ...kiosk }),
        }
      : { headers },
  ).catch(() => {
    throw Object.assign(new Error('network'), { code: 'network', status: 0 })
  })
  const data = await res.json().catch(() => ({}))
  if (res.status === 401 && data.error === 'kiosk_unpaired') showPairing()
  if (!res.ok)
    throw Object.assign(new Error(data.message ?? res.statusText), {
      code: data.error ?? 'network',
      status: res.status,
    })
  return data
}

function resetIdle() {
  clearTimeout(idleTimer)
  idleTimer = setTimeout(toAttract, (setup?.idleResetSeconds ?? 60) * 1000)
}

function toAttract() {
  if (spinning()) return resetIdle() // never walk away from a prize mid-animation
  phone = ''
  prize = vouchers = null
  lang = languages[0]
  store.set('lang', null)
  $('consent').checked = $('marketing').checked = false
  store.set('player', null)
  store.set('play', null)
  showError('identify-error')
  showError('game-error')
  render()
  show('attract')
}

function signedIn(player) {
  store.set('player', { token: player.player, playsLeft: player.playsLeft })
  render()
  show('game')
}

async function identifyByPhone() {
  showError('identify-error')
  try {
    signedIn(
      await api('/api/kiosk/identify', {
        phone,
        consents: { membership: $('consent').checked, marketing: $('marketing').checked },
      }),
    )
  } catch (err) {
    showError('identify-error', err.code)
  }
}

function buildKeypad() {
  const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'C', '0', '⌫']
  $('keypad').replaceChildren(
    ...keys.map((k) => {
      const b = Object.assign(document.createElement('button'), { type: 'button', textContent: k })
      b.dataset.key = k
      b.addEventListener('click', () => {
        phone = k === '⌫' ? phone.slice(0, -1) : k === 'C' ? '' : (phone + k).slice(0, 15)
        render()
      })
      return b
    }),
  )
}

function newPlayId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
}

async function play() {
  const player = store.get('player')
  if (!player || spinning()) return
  $('play').disabled = true
  showError('game-error')
  // Kept before asking: whatever happens next, this play has one id.
  const pending = store.get('play') ?? { id: newPlayId() }
  store.set('play', pending)
  performance.mark('play-tap')
  // The wheel turns while the gateway draws, so a slow answer still looks alive.
  wheelFace()
  wheel.wait(true)
  try {
    const result = await api('/api/kiosk/play', { playId: pending.id, player: player.token })
    performance.mark('play-result')
    await spin(result)
    showPrize(result)
  } catch (err) {
    wheel.wait(false)
    if (err.code !== 'network') store.set('play', null) // refused: no play was made, the next tap is a new one
    showError('game-error', err.code)
  } finally {
    render()
  }
}

function wheelFace() {
  const names = (setup?.prizes ?? []).map((p) => pick(p.name))
  wheel.draw(names)
  return names.length
}

function spin(result) {
  const count = wheelFace()
  const index = Math.max(
    0,
    (setup?.prizes ?? []).findIndex((p) => p.id === result.prize.id),
  )
  return wheel.land(index, count)
}

function showPrize(result) {
  const player = store.get('player')
  if (player && result.playsLeft !== null) store.set('player', { ...player, playsLeft: result.playsLeft })
  store.set('play', null)
  prize = result
  $('prize-qr').src = `/api/kiosk/plays/${encodeURIComponent(result.id)}/qr.svg`
  $('prize-qr').dataset.url = result.voucher.url
  showPrintState(result.print.state)
  render()
  show('prize')
  followPrint(result.id)
}

/** The prize's words in the page's language (again when the customer switches it). */
function prizeWords() {
  const value = prize.prize.value
  const name = pick(prize.prize.name)
  const item = value.item ? pick(value.item) : null
  $('prize-name').textContent = name
  // The value line only when it says more than the name.
  $('prize-value').textContent = item
    ? item === name
      ? ''
      : item
    : t('value.worth', {
        value: `${value.currency === 'CNY' ? '¥' : `${value.currency} `}${(value.amount / 100).toFixed(2)}`,
      })
  showPrintState($('print-state').dataset.state)
}

function showPrintState(state) {
  const key = `kiosk.print.${state}`
  $('print-state').textContent = t(key) === key ? '' : t(key)
  $('print-state').dataset.state = state
}

/** The slip's print state as it changes, while the prize is on screen. */
function followPrint(playId) {
  const poll = async () => {
    if (document.body.dataset.screen !== 'prize') return
    const state = $('print-state').dataset.state
    if (state !== 'queued' && state !== 'printing' && state !== 'not_queued') return
    try {
      showPrintState((await api(`/api/kiosk/plays/${encodeURIComponent(playId)}`)).print.state)
    } catch {
      // Shown again on the next round; the QR code holds the voucher meanwhile.
    }
    setTimeout(poll, 1000)
  }
  setTimeout(poll, 1000)
}

async function myVouchers() {
  const player = store.get('player')
  if (!player) return toAttract()
  try {
    vouchers = (await api('/api/kiosk/my-vouchers', null, { 'x-player': player.token })).vouchers
    renderVouchers()
    show('vouchers')
  } catch (err) {
    showError('game-error', err.code)
  }
}

function renderVouchers() {
  $('voucher-list').replaceChildren(
    ...(vouchers.length ? vouchers : [null]).map((v) => {
      const li = document.createElement('li')
      if (!v) li.textContent = t('game.noVouchers')
      else
        li.append(
          Object.assign(document.createElement('strong'), { textContent: pick(v.prize.name) }),
          ` · ${t('game.until')} ${new Date(v.voucher.expiresAt).toLocaleDateString(messages.dates(lang), { dateStyle: 'medium' })}`,
          Object.assign(document.createElement('img'), {
            src: `/api/kiosk/plays/${encodeURIComponent(v.id)}/qr.svg`,
            alt: '',
          }),
        )
      return li
    }),
  )
}

function listenForMemberScans() {
  const source = new EventSource(`/api/kiosk/scans${kioskParam ? `?kiosk=${encodeURIComponent(kioskParam)}` : ''}`)
  source.onmessage = (e) => {
    const scan = JSON.parse(e.data)
    if (document.body.dataset.screen === 'prize' || spinning()) return
    resetIdle()
    if (scan.kind === 'member') signedIn(scan)
    else if (document.body.dataset.screen === 'identify') showError('identify-error', scan.reason, 'not_member_code')
  }
}

async function resume() {
  // A reload mid-game: the same play is asked for again (the gateway answers with the prize it drew).
  const pending = store.get('play')
  if (pending && store.get('player')) return play()
  show(store.get('player') ? 'game' : 'attract')
}

/** A screen without the kiosk's token: staff type it once; the gateway keeps it in an HttpOnly cookie. */
function showPairing() {
  render()
  show('pair')
  $('pair-form').onsubmit = async (e) => {
    e.preventDefault()
    showError('pair-error')
    const res = await fetch('/api/kiosk/pair', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: $('pair-token').value.trim() }),
    }).catch(() => null)
    const data = res ? await res.json().catch(() => ({})) : { error: 'network' }
    if (!res?.ok) return showError('pair-error', data.error ?? 'network')
    $('pair-token').value = ''
    boot()
  }
}

let booted = false
$('lang').onclick = () => {
  lang = messages.next(lang)
  store.set('lang', lang)
  render()
  if (rules && document.body.dataset.screen === 'rules') renderRules(rules, lang, messages)
  wheelFace()
}
async function boot() {
  try {
    if (!messages) {
      messages = await loadMessages()
      languages = messages.languages
      if (!languages.includes(lang)) lang = languages[0]
    }
    setup = await api(`/api/kiosk/setup${kioskParam ? `?kiosk=${encodeURIComponent(kioskParam)}` : ''}`)
  } catch (err) {
    if (err.code === 'kiosk_unpaired') return // the pairing screen is up
    render() // the offline screen's words, also before the first setup arrived
    show('offline')
    return setTimeout(boot, 2000)
  }
  if (setup.brand) {
    document.documentElement.style.setProperty('--primary', setup.brand.primary)
    document.documentElement.style.setProperty('--accent', setup.brand.accent)
    if (setup.brand.logo) Object.assign($('logo'), { src: setup.brand.logo, hidden: false })
  }
  if (booted) return resume()
  booted = true
  buildKeypad()
  wheelFace()
  render()
  for (const ev of ['pointerdown', 'keydown']) addEventListener(ev, resetIdle, { passive: true })
  $('start').onclick = () => show('identify')
  $('rules-open').onclick = () =>
    api('/api/kiosk/rules').then(
      (answer) => {
        rules = answer
        renderRules(rules, lang, messages)
        show('rules')
      },
      () => {
        show('offline')
        setTimeout(toAttract, 3000)
      },
    )
  $('rules-done').onclick = toAttract
  $('identify-back').onclick = toAttract
  $('consent').onchange = render
  $('identify-go').onclick = identifyByPhone
  $('play').onclick = play
  $('done').onclick = $('vouchers-done').onclick = toAttract
  $('mine').onclick = myVouchers
  listenForMemberScans()
  resetIdle()
  await resume()
  document.body.dataset.ready = 'true'
  performance.mark('kiosk-ready') // kiosk.load: navigation start → this
}

boot()
