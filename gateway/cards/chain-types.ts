/**
 * What stores of one merchant say to each other, through the cloud, when a member pays
 * from their card away from home (docs/members.md, "Chains"). The wire format and its
 * checks are sync/card-contract.ts; the domain works with these.
 */
import type { RemoteCardMove } from '../store/tx/card-remote-tx.js'

export type { RemoteCardMove }

/** What the paying store asks: the member's live QR, the amount, and its own idempotency key. */
export interface CardDebitRequest {
  /** The member the QR names (read, not verified: the cloud routes by it, the home store verifies the QR). */
  memberId: string
  memberCode: string
  amount: number
  currency: string
  /** The paying store's idempotency key (opaque): a retry is answered from the first time, never debited twice. */
  key: string
  reference: string | null
  cashier: string | null
}

/** What the cloud asks the home store: the paying store's request and which store it is (from its topic). */
export interface HomeCardDebit extends CardDebitRequest {
  from: string
}

/** The cloud's command to a home store: take back a payment the paying store gave up waiting for. */
export interface CardCancel {
  from: string
  key: string
}

/** The home store's answer to a HomeCardDebit. */
export interface HomeAnswer {
  status: 'ok' | 'refused' | 'error'
  reason: string | null
  detail: string | null
  card?: RemoteCardMove
}
