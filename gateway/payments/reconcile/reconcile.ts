/**
 * Reconciliation (docs/payments.md): the charges and refunds this gateway recorded against
 * what the provider's bill for the same day says, matched by our order and refund numbers
 * at the provider. Every difference is listed — money the provider took that the journal
 * does not have is the one that matters most. A bill's line is looked for among our
 * records a day either side (the provider may date a charge near midnight differently);
 * our records of the day that the bill lacks are listed as such (one near midnight may be
 * in the neighbouring day's bill).
 */
import { outTradeNo } from '../payment-provider.js'
import type { GivenRefund, PaidCharge } from '../../store/read/payment-reads.js'
import type { BillLine } from './bills.js'

export interface Difference {
  kind: 'not_in_bill' | 'not_recorded' | 'amount_differs'
  what: 'charge' | 'refund'
  /** Ours, when we have it. */
  reference: string | null
  /** The provider's transaction (or refund) id, when the bill has it. */
  transactionId: string | null
  ours: number | null
  theirs: number | null
}

export interface Ours {
  /** Recorded on the bill's day. */
  day: { charges: PaidCharge[]; refunds: GivenRefund[] }
  /** Recorded from the day before to the day after (to place the bill's lines). */
  around: { charges: PaidCharge[]; refunds: GivenRefund[] }
}

export function reconcile(bill: BillLine[], ours: Ours): Difference[] {
  const differences: Difference[] = []
  const charges = new Map(ours.around.charges.map((c) => [outTradeNo(c.reference), c]))
  const refunds = new Map(ours.around.refunds.map((r) => [outTradeNo(r.reference), r]))
  const seen = new Set<string>()
  for (const line of bill) {
    const key = line.kind === 'charge' ? line.outTradeNo : (line.refundNo ?? '')
    const mine = line.kind === 'charge' ? charges.get(key) : refunds.get(key)
    seen.add(`${line.kind}:${key}`)
    const base = { what: line.kind, transactionId: line.transactionId, theirs: line.amount }
    if (!mine) differences.push({ ...base, kind: 'not_recorded', reference: null, ours: null })
    else if (mine.amount !== line.amount)
      differences.push({ ...base, kind: 'amount_differs', reference: mine.reference, ours: mine.amount })
  }
  const missing = (what: 'charge' | 'refund', r: PaidCharge) => {
    if (!seen.has(`${what}:${outTradeNo(r.reference)}`))
      differences.push({
        kind: 'not_in_bill',
        what,
        reference: r.reference,
        transactionId: r.transactionId,
        ours: r.amount,
        theirs: null,
      })
  }
  for (const c of ours.day.charges) missing('charge', c)
  for (const r of ours.day.refunds) missing('refund', r)
  return differences
}
