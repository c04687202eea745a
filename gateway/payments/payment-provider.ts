/**
 * The payment-provider adapter: how a wallet payment code (付款码) becomes a charge, and
 * what the charge protocol (charge-protocol.ts) asks when the answer is not yet known.
 * A charge has five answers, not three: besides paid and declined, **pending** (the
 * customer confirms on the phone) and **unknown** (a timeout, a 5xx, an answer whose
 * signature does not verify) — neither paid nor declined, so the protocol queries and,
 * failing that, cancels; and **unavailable** (provably never sent: nothing was charged).
 * Payment codes expire in about a minute, so a provider that cannot be reached must say so
 * at once — never queue a charge.
 */
import { createHash } from 'node:crypto'
import type { PaymentProvider as Wallet } from '../till/classify.js'

/**
 * Our reference (or refund reference) as the order number the providers keep: 32 hex digits,
 * within Alipay's out_trade_no and WeChat Pay's out_trade_no / out_refund_no alike, and the
 * same every time, so a query, a cancel or a bill finds it.
 */
export const outTradeNo = (reference: string) => createHash('sha256').update(reference).digest('hex').slice(0, 32)

export interface ChargeRequest {
  wallet: Wallet
  authCode: string
  amount: number
  currency: string
  /** Our reference, unique per charge (the idempotency key): the provider dedupes on it, and we query and cancel by it. */
  reference: string
}

/** What a charge and a query may both say of it. */
type Answer =
  | { status: 'paid'; transactionId: string; detail: string }
  | { status: 'declined' | 'pending' | 'unknown'; detail: string }

export type ChargeResult = Answer | { status: 'unavailable'; detail: string }

/** What the provider says of a charge by our reference; not_found: it never arrived there. */
export type QueryResult = Answer | { status: 'not_found'; detail: string }

/** cancelled: the charge is undone (or never happened) for sure; anything else is tried again. */
export type CancelResult = { status: 'cancelled'; detail: string } | { status: 'failed' | 'unknown'; detail: string }

export interface ChargeRef {
  wallet: Wallet
  reference: string
}

/** Money back on a paid charge. `refundReference` is ours: sending it again is the same refund (the providers dedupe on it). */
export interface RefundRequest extends ChargeRef {
  refundReference: string
  amount: number
  /** The charge's whole amount (WeChat Pay asks for it). */
  total: number
  currency: string
}

/** refused: the provider said no (nothing moved); unknown: ask again with the same reference. */
export type RefundResult =
  { status: 'refunded'; refundId: string | null; detail: string } | { status: 'refused' | 'unknown'; detail: string }

export interface PaymentProvider {
  readonly name: string
  /** Who charges this wallet's codes, when one provider routes to several (wallet-router.ts). */
  nameFor?(wallet: Wallet): string
  /** True when a charge (of this wallet's codes, when given) could be attempted now (link up, PSP reachable). */
  available(wallet?: Wallet): boolean
  charge(req: ChargeRequest): Promise<ChargeResult>
  /**
   * What a charge does before it is sent (an RSA signature: a few tenths of a millisecond),
   * done now; the returned function sends it. The protocol prepares while the charge is
   * being written down and sends once it is, so the signing is off the customer's wait.
   */
  prepareCharge?(req: ChargeRequest): () => Promise<ChargeResult>
  query(ref: ChargeRef): Promise<QueryResult>
  /** Undoes a charge whatever became of it (the providers' cancel/reverse: a paid one is refunded). */
  cancel(ref: ChargeRef): Promise<CancelResult>
  /** Gives part or all of a paid charge back; idempotent by the refund reference. */
  refund(req: RefundRequest): Promise<RefundResult>
}

const NONE = 'no payment provider is configured (payments.provider)'

/** No PSP configured: every payment code is refused at once. */
export const NO_PROVIDER: PaymentProvider = {
  name: 'none',
  available: () => false,
  charge: () => Promise.resolve({ status: 'unavailable', detail: NONE }),
  query: () => Promise.resolve({ status: 'not_found', detail: NONE }),
  cancel: () => Promise.resolve({ status: 'cancelled', detail: NONE }),
  refund: () => Promise.resolve({ status: 'refused', detail: NONE }),
}
