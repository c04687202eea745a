// Giving a mobile (wallet) payment back at the cashier screen: find the POS's charge by
// amount or the end of the transaction number the customer's phone shows, choose how much
// (all that is left, or part), and a manager's PIN sends it. The provider may take a while
// to answer: the refund is then asked again by the gateway until it does, and the list
// says "being given back" meanwhile. One idempotency key per refund attempt: a retry after
// a lost answer (or a second tap) gives back once.

const $ = (id) => document.getElementById(id)
/** While a refund is being given back, the open list asks how it went this often. */
const REFRESH_MS = 3000

/** `ctx`: { api(path, body), t(key, vars), keypad(container, onDone, dots), dateTime(ms) } from app.js. */
export function refundDialog(ctx) {
  const { api, t } = ctx
  let lines = []
  let chosen = null // { line, fen, key, offered: the amount is still the whole that is left }
  let outcome = null // the latest refund's answer: { line, fen, status, detail }
  let find = ''
  let refresh = null
  let resetPin = () => {}

  const money = (fen, currency = 'CNY') => {
    const text = (fen / 100).toFixed(2)
    return currency === 'CNY' ? `¥${text}` : `${currency} ${text}`
  }
  // getRandomValues, not randomUUID: a till on the store LAN is plain http, not a secure context.
  const newKey = () =>
    `till-${Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('')}`
  const wallet = (line) => t(`refund.wallet.${line.wallet}`)

  function open() {
    find = ''
    $('refund-find').value = ''
    outcome = null
    renderOutcome()
    show('pick')
    $('refund-dialog').showModal()
    void load()
  }

  /** One step of the dialog at a time: the list, the amount, the manager's PIN. */
  function show(step) {
    $('refund-pick').hidden = step !== 'pick'
    $('refund-amount').hidden = step !== 'amount'
    $('refund-pin').hidden = step !== 'pin'
    $('refund-back').hidden = step === 'pick'
    $('refund-error').textContent = ''
    $('refund-find-error').textContent = ''
  }

  async function load() {
    const query = find ? `?find=${encodeURIComponent(find)}` : ''
    const { status, data } = await api(`/api/till/payments${query}`).catch(() => ({ status: 0, data: null }))
    if (status === 400) return void ($('refund-find-error').textContent = t('refund.findBad'))
    if (status !== 200) return void ($('refund-find-error').textContent = t('refund.unreachable'))
    lines = data
    renderList()
    clearTimeout(refresh)
    if ($('refund-dialog').open && lines.some((l) => l.refunding > 0)) refresh = setTimeout(load, REFRESH_MS)
  }

  function renderList() {
    $('refund-list').replaceChildren(...lines.map(lineItem))
    $('refund-none').hidden = lines.length > 0
    $('refund-none').textContent = find ? t('refund.noneFound') : t('refund.noneRecent')
  }

  function lineItem(line) {
    const li = document.createElement('li')
    const span = (className, textContent) => Object.assign(document.createElement('span'), { className, textContent })
    const about = [ctx.dateTime(line.time), line.pos && t('refund.atPos', { pos: line.pos }), line.maskedCode]
    if (line.transactionId) about.push(t('refund.txn', { tail: line.transactionId.slice(-6) }))
    const text = document.createElement('span')
    text.className = 'what'
    text.append(span('wallet', wallet(line)), span('about', about.filter(Boolean).join(' · ')))
    if (line.refunded > 0)
      text.append(span('given', t('refund.given', { amount: money(line.refunded, line.currency) })))
    if (line.refunding > 0)
      text.append(span('giving', t('refund.giving', { amount: money(line.refunding, line.currency) })))
    li.append(text, span('amount', money(line.amount, line.currency)))
    const b = Object.assign(document.createElement('button'), { type: 'button', textContent: t('refund.give') })
    b.disabled = line.left <= 0
    b.addEventListener('click', () => choose(line))
    li.append(b)
    return li
  }

  function choose(line) {
    chosen = { line, fen: line.left, key: newKey(), offered: true }
    showAmount()
    show('amount')
  }

  function showAmount() {
    const { fen, line } = chosen
    $('refund-amount-title').textContent = t('refund.howMuch', { wallet: wallet(line) })
    $('refund-of').textContent = t('refund.of', {
      amount: money(line.amount, line.currency),
      left: money(line.left, line.currency),
    })
    $('refund-shown').textContent = money(fen, line.currency)
    $('refund-next').textContent = t('refund.next', { amount: money(fen, line.currency) })
    $('refund-next').disabled = fen <= 0 || fen > line.left
    $('refund-error').textContent =
      fen > line.left ? t('refund.tooMuch', { left: money(line.left, line.currency) }) : ''
  }

  /** Cash-register entry: digits shift in from the right, so 1-2-5-0 is 12.50; the first key replaces what was offered. */
  function amountKey(key) {
    if (chosen.offered) chosen.fen = 0
    chosen.offered = false
    if (key === 'clear') chosen.fen = Math.floor(chosen.fen / 10)
    else if (chosen.fen < 10_000_000) chosen.fen = chosen.fen * (key === '00' ? 100 : 10) + (key === '00' ? 0 : +key)
    chosen.key = newKey() // a different amount is a different refund
    showAmount()
  }

  function askPin() {
    resetPin()
    showPinTitle()
    show('pin')
  }

  function showPinTitle() {
    const { line, fen } = chosen
    $('refund-pin-title').textContent = t('refund.pinTitle', {
      amount: money(fen, line.currency),
      wallet: wallet(line),
    })
  }

  /** In the screen's language now (the cashier may switch it with the dialog open). */
  function render() {
    if (!$('refund-dialog').open) return
    renderList()
    renderOutcome()
    if (!chosen) return
    if (!$('refund-amount').hidden) showAmount()
    if (!$('refund-pin').hidden) showPinTitle()
  }

  async function send(pin) {
    const { line, fen, key } = chosen
    $('refund-error').textContent = t('card.working')
    const { status, data } = await api('/api/till/payments/refund', {
      idempotencyKey: key,
      charge: line.reference,
      amount: fen,
      managerPin: pin,
    }).catch(() => ({ status: 0, data: null }))
    if (status !== 200 && status !== 202) return void ($('refund-error').textContent = refusal(status, data))
    outcome = { line, fen, status: data.status, detail: data.detail }
    renderOutcome()
    show('pick')
    await load()
  }

  /** What became of the latest refund, on top of the dialog until the next one. */
  function renderOutcome() {
    const box = $('refund-result')
    box.dataset.state = outcome ? outcome.status : ''
    if (!outcome) return box.replaceChildren()
    const { line, fen, status, detail } = outcome
    const words = { refunded: 'refund.done', pending: 'refund.pending', refused: 'refund.refused' }
    const strong = Object.assign(document.createElement('strong'), {
      textContent: t(words[status], { amount: money(fen, line.currency), wallet: wallet(line) }),
    })
    const more = status === 'refunded' ? '' : status === 'pending' ? t('refund.pendingMore') : detail
    box.replaceChildren(strong, ...(more ? [Object.assign(document.createElement('span'), { textContent: more })] : []))
  }

  function refusal(status, data) {
    const code = data && data.error
    const known = ['wrong_pin', 'locked_out', 'refund_exceeds_payment', 'charge_not_paid', 'charge_is_card_topup']
    if (known.includes(code)) return t(`refund.error.${code}`)
    if (status === 0) return t('refund.unreachable')
    return `${t('card.refused.other')}${data && data.message ? `: ${data.message}` : ''}`
  }

  for (const key of ['1', '2', '3', '4', '5', '6', '7', '8', '9', '00', '0', 'clear']) {
    const b = Object.assign(document.createElement('button'), {
      type: 'button',
      textContent: key === 'clear' ? '⌫' : key,
    })
    b.dataset.key = key
    b.addEventListener('click', () => amountKey(key))
    $('refund-keypad').append(b)
  }
  resetPin = ctx.keypad($('refund-pin-keypad'), send, $('refund-pin-dots'))
  $('refund-open').addEventListener('click', open)
  $('refund-next').addEventListener('click', askPin)
  $('refund-back').addEventListener('click', () => show('pick'))
  const search = () => {
    find = $('refund-find').value.trim().replace(/^¥/, '')
    outcome = null
    renderOutcome()
    void load()
  }
  $('refund-find-go').addEventListener('click', search)
  $('refund-find').addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return
    e.preventDefault() // Enter in the dialog's form would close it
    search()
  })
  $('refund-dialog').addEventListener('close', () => clearTimeout(refresh))

  return { render }
}
