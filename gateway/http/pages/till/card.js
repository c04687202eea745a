// The member card on the cashier screen: after a member QR is scanned, the balance and the
// latest movements, top-up (cash, or the customer's wallet code scanned next), pay from
// the card, refund a payment (the cashier's PIN), take back a top-up or close the card
// (a manager's PIN); and "pay from member card" amount first, paid by the next member QR.
// Every movement is sent with an idempotency key made once per attempt, so a retry after
// a dropped answer moves money once; the outcome is shown big until the next one.

const $ = (id) => document.getElementById(id)
/** After this long without an answer, a wallet top-up is waiting for the customer's phone. */
const CONFIRM_HINT_MS = 2000

/** `ctx`: { api(path, body), t(key, vars), time(ms), keypad(container, onDone, dots) } from app.js. */
export function cardPanel(ctx) {
  const { api, t } = ctx
  let card = null // the reply of GET /api/till/cards/:scan, plus memberScan
  let entry = null // the amount dialog: { mode: 'topup' | 'pay' | 'arm', fen, key, waitingWallet, waitingMember }
  let pinFor = null // the PIN dialog: { kind: 'refund' | 'reverse' | 'payout', line, key, amount }
  let lastDone = null // the latest movement, shown big until the next (or another member)
  let lastRefusal = null // or why the latest armed payment did not go through

  const money = (fen) => {
    const currency = card ? card.currency : 'CNY'
    const sign = fen < 0 ? '−' : ''
    const text = (Math.abs(fen) / 100).toFixed(2)
    return currency === 'CNY' ? `${sign}¥${text}` : `${sign}${currency} ${text}`
  }
  // getRandomValues, not randomUUID: a till on the store LAN is plain http, not a secure context.
  const newKey = () =>
    `till-${Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('')}`

  async function showMember(scanId) {
    const { status, data } = await api(`/api/till/cards/${encodeURIComponent(scanId)}`)
    if (status !== 200) return
    card = { ...data, memberScan: scanId }
    lastDone = null
    lastRefusal = null
    render()
  }

  /**
   * A member of another store of the merchant paid (or was refused) from their card, as
   * their home store answered: only what it said is shown — the card lives there, so
   * nothing else can be done with it here.
   */
  function showElsewhere(move) {
    const b = move.ok ? move.balance : { principal: 0, bonus: 0, total: 0 }
    card = {
      elsewhere: move.ok ? move.home.name : '',
      known: move.ok,
      currency: move.ok ? move.currency : card ? card.currency : 'CNY',
      ...b,
      statement: [],
      presentUntil: Date.now() + 5 * 60_000,
    }
    lastDone = move.ok ? move : null
    lastRefusal = move.ok ? null : move
    render()
  }

  function hide() {
    card = null
    render()
  }

  function render() {
    if (entry) {
      showAmount() // the open dialog, in the language just chosen
      say(said.words, said.tone)
    }
    if (pinFor && $('card-pin-dialog').open) showPinTitle()
    const panel = $('card')
    panel.hidden = !card || Date.now() > card.presentUntil
    $('card-pay-first').hidden = !panel.hidden
    if (panel.hidden) return
    const elsewhere = card.elsewhere !== undefined
    const known = !elsewhere || card.known
    $('card-balance').textContent = known ? t('card.balance', { amount: money(card.total) }) : ''
    $('card-split').textContent = known
      ? t('card.split', { principal: money(card.principal), bonus: money(card.bonus) })
      : ''
    $('card-actions').hidden = elsewhere
    const minutes = Math.max(1, Math.ceil((card.presentUntil - Date.now()) / 60_000))
    $('card-present').textContent = !elsewhere
      ? t('card.presentFor', { minutes })
      : card.elsewhere
        ? t('card.memberOf', { store: card.elsewhere })
        : t('card.otherStore')
    $('card-pay').disabled = card.total <= 0
    $('card-payout').disabled = card.total <= 0
    $('card-lines').replaceChildren(...card.statement.slice(0, 5).map(lineItem))
    renderDone()
  }

  function renderDone() {
    const box = $('card-done')
    if (lastRefusal) {
      box.dataset.state = 'refused'
      return box.replaceChildren(
        Object.assign(document.createElement('strong'), { textContent: refusalText(lastRefusal) }),
      )
    }
    if (!lastDone) {
      box.dataset.state = ''
      return box.replaceChildren()
    }
    const { entry: moved, balance } = lastDone
    const words = {
      topup: 'card.toppedUp',
      debit: 'card.paid',
      refund: 'card.refunded',
      reversal: 'card.reversed',
      payout: 'card.paidOut',
    }
    box.dataset.state = moved.kind === 'debit' || moved.kind === 'topup' ? 'ok' : 'info'
    // A top-up says what was paid in, a payout what to hand back; the bonus is its own line.
    const amount = moved.kind === 'topup' || moved.kind === 'payout' ? Math.abs(moved.principal) : moved.amount
    const line = (tag, textContent) => Object.assign(document.createElement(tag), { textContent })
    const lines = [line('strong', t(words[moved.kind], { amount: money(amount) }))]
    if (moved.kind === 'topup' && moved.bonus > 0)
      lines.push(line('span', t('card.bonus', { amount: money(moved.bonus) })))
    lines.push(line('span', t('card.newBalance', { amount: money(balance.total) })))
    box.replaceChildren(...lines)
  }

  function lineItem(line) {
    const li = document.createElement('li')
    const amount = line.principal + line.bonus
    const when = ctx.time(line.time)
    li.append(
      Object.assign(document.createElement('span'), { className: 'what', textContent: t(`card.kind.${line.kind}`) }),
      Object.assign(document.createElement('span'), { className: 'when', textContent: when }),
      Object.assign(document.createElement('span'), { className: 'amount', textContent: money(amount) }),
    )
    const windowMs = card.reversalWindowMinutes * 60_000
    // What is left to act on, as far as the lines shown tell (the gateway decides in the end).
    const undone = card.statement
      .filter((l) => l.ofEntry === line.id)
      .reduce((sum, l) => sum + Math.abs(l.principal + l.bonus), 0)
    if (line.kind === 'debit' && undone < Math.abs(amount))
      li.append(actionButton(t('card.refund'), () => askPin('refund', line, Math.abs(amount) - undone)))
    else if (line.kind === 'topup' && undone === 0 && Date.now() - line.time < windowMs)
      li.append(actionButton(t('card.reverse'), () => askPin('reverse', line)))
    else li.append(Object.assign(document.createElement('span'), { className: 'act' }))
    return li
  }

  function actionButton(text, onClick) {
    const b = Object.assign(document.createElement('button'), { type: 'button', textContent: text })
    b.addEventListener('click', onClick)
    return b
  }

  function openAmount(mode) {
    entry = { mode, fen: 0, key: newKey(), waitingWallet: false, waitingMember: false }
    $('amount-topup').hidden = mode !== 'topup'
    $('amount-confirm').hidden = mode === 'topup'
    $('amount-id').checked = false
    say(() => '')
    showAmount()
    $('amount-dialog').showModal()
  }

  function showAmount() {
    const mode = entry.mode
    $('amount-title').textContent = t(mode === 'topup' ? 'card.topUpTitle' : 'card.payTitle')
    $('amount-confirm').textContent = t(mode === 'arm' ? 'card.askForQr' : 'card.confirmPay')
    $('amount-shown').textContent = money(entry.fen)
    const bonus = entry.mode === 'topup' ? bonusFor(entry.fen) : 0
    $('amount-bonus').textContent = bonus > 0 ? t('card.bonus', { amount: money(bonus) }) : ''
  }

  function bonusFor(fen) {
    let best = null
    for (const tier of card.bonuses) if (fen >= tier.from && (!best || tier.from > best.from)) best = tier
    return best ? best.bonus : 0
  }

  /** Cash-register entry: digits shift in from the right, so 1-0-0-0-0 is 100.00. */
  function amountKey(key) {
    if (key === 'clear') entry.fen = Math.floor(entry.fen / 10)
    else if (entry.fen < 10_000_000)
      entry.fen = entry.fen * (key === '00' ? 100 : 10) + (key === '00' ? 0 : Number(key))
    entry.key = newKey() // a different amount is a different request
    showAmount()
  }

  /** The amount dialog's line: what to do next (plain), or why not (red); `words` again when the language changes. */
  let said = { words: () => '', tone: 'info' }
  function say(words, tone = 'info') {
    said = { words, tone }
    $('amount-status').textContent = words()
    $('amount-status').dataset.tone = tone
  }

  async function send(path, body) {
    say(() => t('card.working'))
    // A wallet charge the customer must confirm on the phone takes seconds: say so.
    const slow = setTimeout(() => say(() => t('card.confirmOnPhone')), CONFIRM_HINT_MS)
    const { status, data } = await api(path, body)
      .catch(() => ({ status: 0, data: null }))
      .finally(() => clearTimeout(slow))
    if (status === 200 || status === 201) {
      $('amount-dialog').close()
      done(data)
      return true
    }
    say(() => refusalText(data), 'error')
    return false
  }

  function topUp(payment) {
    if (entry.fen <= 0) return
    const body = { idempotencyKey: entry.key, memberScan: card.memberScan, amount: entry.fen, payment }
    if ($('amount-id').checked) body.idChecked = true
    return send('/api/till/cards/topup', body)
  }

  /** The till scanned a wallet payment code: if a top-up waits for one, it pays with it. */
  function onWalletScan(resultId) {
    if (!entry || !entry.waitingWallet) return false
    entry.waitingWallet = false
    void topUp({ method: 'wallet', walletScan: resultId })
    return true
  }

  function done(moved) {
    lastDone = moved
    lastRefusal = null
    renderDone()
    card.principal = moved.balance.principal
    card.bonus = moved.balance.bonus
    card.total = moved.balance.total
    void api(`/api/till/cards/${encodeURIComponent(card.memberScan)}`).then(({ status, data }) => {
      if (status === 200 && card) card.statement = data.statement
      render()
    })
    render()
  }

  function refusalText(data) {
    const code = data && data.error
    const known = [
      'insufficient_balance',
      'over_max_balance',
      'over_max_topup',
      'id_check_required',
      'payment_declined',
      'payment_not_confirmed',
      'payment_offline',
      'member_not_present',
      'refund_exceeds_debit',
      'already_reversed',
      'reversal_window_passed',
      'balance_spent',
      'wrong_pin',
      'locked_out',
      'needs_connection',
      'other_merchant',
      'no_card',
      'unknown_member',
    ]
    if (code === 'insufficient_balance' && card.elsewhere === undefined)
      return `${t('card.refused.insufficient_balance')} — ${t('card.balance', { amount: money(card.total) })}`
    return known.includes(code)
      ? t(`card.refused.${code}`)
      : `${t('card.refused.other')}${data && data.message ? `: ${data.message}` : ''}`
  }

  let resetPinPad = () => {}
  function askPin(kind, line, left = Math.abs(line.principal + line.bonus)) {
    pinFor = { kind, line, key: newKey(), amount: left }
    showPinTitle()
    $('card-pin-error').textContent = ''
    resetPinPad()
    $('card-pin-dialog').showModal()
  }

  function showPinTitle() {
    const titles = { refund: 'card.refundTitle', reverse: 'card.reverseTitle', payout: 'card.payOutTitle' }
    $('card-pin-title').textContent = t(titles[pinFor.kind], { amount: money(pinFor.amount) })
  }

  async function pinEntered(pin) {
    const { kind, line, key, amount } = pinFor
    const { status, data } =
      kind === 'refund'
        ? await api('/api/till/cards/refund', { idempotencyKey: key, debitId: line.id, amount, pin })
        : kind === 'payout'
          ? await api('/api/till/cards/payout', { idempotencyKey: key, memberScan: card.memberScan, managerPin: pin })
          : await api('/api/till/cards/reverse', { idempotencyKey: key, topUpId: line.id, managerPin: pin })
    if (status === 200 || status === 201) {
      $('card-pin-dialog').close()
      done(data)
    } else $('card-pin-error').textContent = refusalText(data)
  }

  // Wiring: the amount keypad has a 00 key and no OK (the payment buttons confirm).
  for (const key of ['1', '2', '3', '4', '5', '6', '7', '8', '9', '00', '0', 'clear']) {
    const b = actionButton(key === 'clear' ? '⌫' : key, () => amountKey(key))
    b.dataset.key = key
    $('amount-keypad').append(b)
  }
  resetPinPad = ctx.keypad($('card-pin-keypad'), pinEntered, $('card-pin-dots'))
  $('card-topup').addEventListener('click', () => openAmount('topup'))
  $('card-pay').addEventListener('click', () => openAmount('pay'))
  $('card-close').addEventListener('click', hide)
  // Closing a card hands back what the member paid in; the bonus was a gift and stays behind.
  $('card-payout').addEventListener('click', () => askPin('payout', { id: null }, card.principal))
  $('amount-cash').addEventListener('click', () => topUp({ method: 'cash' }))
  $('amount-wallet').addEventListener('click', () => {
    if (entry.fen <= 0) return
    entry.waitingWallet = true
    say(() => t('card.scanWallet'))
  })
  $('amount-confirm').addEventListener('click', async () => {
    if (!entry || entry.fen <= 0) return
    if (entry.mode === 'pay')
      return void send('/api/till/cards/debit', {
        idempotencyKey: entry.key,
        memberScan: card.memberScan,
        amount: entry.fen,
      })
    // Amount first: the next member QR this till reads pays it, in the scan's own commit.
    const { status, data } = await api('/api/till/cards/arm', { idempotencyKey: entry.key, amount: entry.fen }).catch(
      () => ({ status: 0, data: null }),
    )
    if (status !== 200) return void say(() => refusalText(data), 'error')
    entry.waitingMember = true
    say(() => t('card.scanMember'))
  })
  $('amount-dialog').addEventListener('close', () => {
    if (entry && entry.waitingMember) void api('/api/till/cards/disarm', {})
    entry = null
  })
  $('card-pay-first').addEventListener('click', () => openAmount('arm'))

  /** A member recognised at this till: their card, and what an armed payment did. */
  async function onMember(result) {
    if (result.cardMove && entry && entry.waitingMember) {
      entry.waitingMember = false
      $('amount-dialog').close()
    }
    if (result.cardMove && result.cardMove.home) return showElsewhere(result.cardMove)
    await showMember(result.id)
    if (!card || !result.cardMove) return
    if (result.cardMove.ok) done(result.cardMove)
    else {
      lastRefusal = result.cardMove
      render()
    }
  }

  return { onMember, onWalletScan, render, hide }
}
