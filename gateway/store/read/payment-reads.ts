/** What the journal holds of payment-code charges and refunds: for the protocols that drive them, and for reconciliation. */
import type { Db } from '../database.js'
import type { ReadSource } from './read-source.js'
import { CARD_TOPUP_KEY, attemptOf, type Attempt } from '../tx/payment-tx.js'
import { refundOf, type Refund } from '../tx/refund-tx.js'

export class PaymentReads {
  constructor(private readonly db: ReadSource) {}

  attempt(reference: string): Attempt | null {
    return attemptOf({ stmt: (sql) => this.db.query(sql) }, reference)
  }

  refund(reference: string): Refund | null {
    return refundOf({ stmt: (sql) => this.db.query(sql) }, reference)
  }

  /** Charges still being confirmed or cancelled (a restart resumes them). */
  openCharges(): string[] {
    return this.db
      .query("SELECT reference FROM payment_attempts WHERE state IN ('charging', 'reversing')")
      .pluck()
      .all() as string[]
  }

  /**
   * Paid charges made by a POS (not member-card top-ups) decided since `since`, newest
   * first, with what was given back and what is still being asked; an `amount` (cents)
   * and/or the tail of the provider's transaction id narrows them to charges matching either.
   */
  paidCharges(q: { since: number; limit: number; amount?: number; transactionTail?: string }): PaidChargeLine[] {
    const where = [`a.state = 'paid'`, 'a.updated_at >= @since', `a.reference NOT LIKE '%:${CARD_TOPUP_KEY}%'`]
    const find = [
      ...(q.amount !== undefined ? ['a.amount = @amount'] : []),
      ...(q.transactionTail !== undefined ? [`a.transaction_id LIKE '%' || @tail`] : []),
    ]
    if (find.length > 0) where.push(`(${find.join(' OR ')})`)
    return this.db
      .query(
        `SELECT a.reference, a.device, a.provider, a.wallet, a.masked_code AS maskedCode, a.amount, a.currency,
                a.transaction_id AS transactionId, a.updated_at AS time,
                coalesce(sum(CASE WHEN r.state = 'refunded' THEN r.amount END), 0) AS refunded,
                coalesce(sum(CASE WHEN r.state = 'refunding' THEN r.amount END), 0) AS refunding
         FROM payment_attempts a LEFT JOIN payment_refunds r ON r.charge_reference = a.reference
         WHERE ${where.join(' AND ')}
         GROUP BY a.reference ORDER BY a.updated_at DESC LIMIT @limit`,
      )
      .all({
        since: q.since,
        limit: q.limit,
        ...(q.amount !== undefined ? { amount: q.amount } : {}),
        ...(q.transactionTail !== undefined ? { tail: q.transactionTail } : {}),
      }) as PaidChargeLine[]
  }

  /** Refunds the provider has not decided yet. */
  openRefunds(): string[] {
    return this.db.query("SELECT reference FROM payment_refunds WHERE state = 'refunding'").pluck().all() as string[]
  }
}

export interface PaidChargeLine {
  reference: string
  /** Who charged it: `pos:<name>`. */
  device: string | null
  provider: string
  wallet: string
  maskedCode: string
  amount: number
  currency: string
  transactionId: string | null
  time: number
  refunded: number
  refunding: number
}

export interface PaidCharge {
  reference: string
  amount: number
  transactionId: string | null
  /** When it was decided (ms). */
  time: number
}
export interface GivenRefund extends PaidCharge {
  chargeReference: string
}

/** Charges decided paid, and refunds given, by `provider` between `from` and `to` (ms). */
export function paymentRecords(
  db: Db,
  provider: string,
  from: number,
  to: number,
): { charges: PaidCharge[]; refunds: GivenRefund[] } {
  const charges = db
    .prepare(
      `SELECT reference, amount, transaction_id AS transactionId, updated_at AS time FROM payment_attempts
       WHERE provider = ? AND state = 'paid' AND updated_at >= ? AND updated_at < ? ORDER BY updated_at`,
    )
    .all(provider, from, to) as PaidCharge[]
  const refunds = db
    .prepare(
      `SELECT r.reference, r.charge_reference AS chargeReference, r.amount, r.refund_id AS transactionId,
              r.updated_at AS time
       FROM payment_refunds r JOIN payment_attempts a ON a.reference = r.charge_reference
       WHERE a.provider = ? AND r.state = 'refunded' AND r.updated_at >= ? AND r.updated_at < ? ORDER BY r.updated_at`,
    )
    .all(provider, from, to) as GivenRefund[]
  return { charges, refunds }
}
