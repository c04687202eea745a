/** What the journal holds of payment-code charges and refunds, for reconciliation against a provider's bill. */
import type { Db } from '../database.js'

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
