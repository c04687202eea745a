/**
 * Refunds of paid payment-code charges, run by the journal writer (gateway/payments/
 * refund-protocol.ts drives them): written with their event before the provider is asked;
 * never more than was paid, counting refunds still under way; each decision one
 * conditional UPDATE with its event.
 */
import type { TxContext } from './tx-context.js'
import { attemptOf, isCardTopUp, type Attempt } from './payment-tx.js'

export interface Refund {
  reference: string
  chargeReference: string
  requestHash: string
  device: string | null
  amount: number
  state: 'refunding' | 'refunded' | 'refused'
  refundId: string | null
  detail: string
  seq: number
}

const COLUMNS = `reference, charge_reference AS chargeReference, request_hash AS requestHash, device, amount, state,
  refund_id AS refundId, detail, event_seq AS seq`

export function refundOf(tx: Pick<TxContext, 'stmt'>, reference: string): Refund | null {
  return (
    (tx.stmt(`SELECT ${COLUMNS} FROM payment_refunds WHERE reference = ?`).get(reference) as Refund | undefined) ?? null
  )
}

export type RefundStart =
  | { status: 'new' | 'repeat'; refund: Refund; charge: Attempt }
  | { status: 'conflict' | 'no_charge' | 'not_paid' | 'card_topup' }
  | { status: 'exceeds'; left: number }

export interface RefundStartArgs {
  reference: string
  chargeReference: string
  requestHash: string
  device: string | null
  amount: number
  /** Who gave it back at the till, and the manager who approved it (absent for a POS's refund). */
  cashier?: string
  approvedBy?: string
}

export function refundStartTx(tx: TxContext, a: RefundStartArgs): RefundStart {
  const prior = refundOf(tx, a.reference)
  const charge = attemptOf(tx, a.chargeReference)
  if (prior)
    return prior.requestHash === a.requestHash && charge
      ? { status: 'repeat', refund: prior, charge }
      : { status: 'conflict' }
  if (!charge) return { status: 'no_charge' }
  if (charge.state !== 'paid') return { status: 'not_paid' }
  // Its money is on a member card: giving it back is the card's top-up reversal, which takes the balance too.
  if (isCardTopUp(charge.reference)) return { status: 'card_topup' }
  const given = tx
    .stmt("SELECT coalesce(sum(amount), 0) FROM payment_refunds WHERE charge_reference = ? AND state != 'refused'")
    .pluck()
    .get(a.chargeReference) as number
  if (given + a.amount > charge.amount) return { status: 'exceeds', left: charge.amount - given }
  const who = a.cashier ? { cashier: a.cashier, ...(a.approvedBy ? { approvedBy: a.approvedBy } : {}) } : {}
  const ev = tx.append(
    'payment.refund_started',
    a.device,
    { ...payload(charge, a.reference, a.amount, null, ''), ...who },
    { outbox: true },
  )
  tx.stmt(
    `INSERT INTO payment_refunds (reference, charge_reference, request_hash, device, amount, state, started_at, updated_at, event_seq)
     VALUES (?, ?, ?, ?, ?, 'refunding', ?, ?, ?)`,
  ).run(a.reference, a.chargeReference, a.requestHash, a.device, a.amount, tx.now, tx.now, ev.seq)
  return { status: 'new', refund: refundOf(tx, a.reference)!, charge }
}

/** Records the provider's decision on a refund still under way (a decided one never moves again). */
export function refundDecideTx(
  tx: TxContext,
  a: { reference: string; state: 'refunded' | 'refused'; refundId: string | null; detail: string },
): Refund {
  const before = refundOf(tx, a.reference)
  if (!before) throw new Error(`no refund ${a.reference}`)
  if (before.state !== 'refunding') return before
  const charge = attemptOf(tx, before.chargeReference)!
  const type = a.state === 'refunded' ? 'payment.refunded' : 'payment.refund_refused'
  const ev = tx.append(type, before.device, payload(charge, a.reference, before.amount, a.refundId, a.detail), {
    outbox: true,
  })
  tx.stmt(
    'UPDATE payment_refunds SET state = ?, refund_id = ?, detail = ?, updated_at = ?, event_seq = ? WHERE reference = ?',
  ).run(a.state, a.refundId, a.detail, tx.now, ev.seq, a.reference)
  return refundOf(tx, a.reference)!
}

function payload(charge: Attempt, reference: string, amount: number, refundId: string | null, detail: string) {
  return {
    reference,
    chargeReference: charge.reference,
    provider: charge.provider,
    amount,
    currency: charge.currency,
    transactionId: charge.transactionId,
    refundId,
    detail,
  }
}
