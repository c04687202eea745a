/** What the journal holds of payment-code charges and refunds: for the protocols that drive them, and for reconciliation. */
import type { Db } from '../database.js'
import type { ReadSource } from './read-source.js'
import { attemptOf, type Attempt } from '../tx/payment-tx.js'
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

  /** Refunds the provider has not decided yet. */
  openRefunds(): string[] {
    return this.db.query("SELECT reference FROM payment_refunds WHERE state = 'refunding'").pluck().all() as string[]
  }
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
