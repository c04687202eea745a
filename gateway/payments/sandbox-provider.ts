/**
 * A PSP stand-in for development, demos and tests, which acts out every answer a real
 * provider gives, chosen by the payment code's last four digits (docs/payments.md):
 * 0000 declined ("insufficient balance"); 1111 the customer confirms on the phone (pending,
 * then paid at the second query); 2222 pending for ever (the protocol cancels it);
 * 3333 the charge's answer is lost but it was paid (the query finds it); 4444 the charge's
 * answer is lost and it never arrived (not found, then cancelled); any other: paid at once.
 * `online` can be switched off to act out a dead link.
 */
import type {
  CancelResult,
  ChargeRef,
  ChargeRequest,
  ChargeResult,
  PaymentProvider,
  QueryResult,
  RefundRequest,
  RefundResult,
} from './payment-provider.js'

/**
 * The sandbox remembers this many charges and refunds (oldest forgotten first): `npm start`
 * runs it for days, and a real provider's memory is not ours to keep. A reference older than
 * that answers as one the provider never saw, which the charge protocol already handles.
 */
export const SANDBOX_REMEMBERS = 10_000

interface Charge {
  state: 'paid' | 'declined' | 'pending' | 'cancelled'
  transactionId: string
  queries: number
  /** Pending until this many queries (Infinity: never confirmed). */
  paidAfter: number
}

export class SandboxProvider implements PaymentProvider {
  readonly name = 'sandbox'
  online = true
  private next = 1
  private readonly charges = new Map<string, Charge>()
  private readonly refunds = new Map<string, string>()

  /** How many charges it remembers now (bounded by SANDBOX_REMEMBERS). */
  get chargesKept(): number {
    return this.charges.size
  }

  available(): boolean {
    return this.online
  }

  charge(req: ChargeRequest): Promise<ChargeResult> {
    if (!this.online) return Promise.resolve({ status: 'unavailable', detail: 'sandbox provider is offline' })
    const known = this.charges.get(req.reference)
    if (known) return Promise.resolve(this.answer(known)) // the provider dedupes on our reference
    const scenario = req.authCode.slice(-4)
    const transactionId = `sandbox-${req.wallet}-${String(this.next++).padStart(8, '0')}`
    if (scenario === '4444') return Promise.resolve({ status: 'unknown', detail: 'timed out (sandbox)' })
    const charge: Charge = {
      state: scenario === '0000' ? 'declined' : scenario === '1111' || scenario === '2222' ? 'pending' : 'paid',
      transactionId,
      queries: 0,
      paidAfter: scenario === '1111' ? 2 : scenario === '2222' ? Infinity : 0,
    }
    remember(this.charges, req.reference, charge)
    if (scenario === '3333') return Promise.resolve({ status: 'unknown', detail: 'timed out (sandbox)' })
    return Promise.resolve(this.answer(charge))
  }

  query(ref: ChargeRef): Promise<QueryResult> {
    if (!this.online) return Promise.resolve({ status: 'unknown', detail: 'sandbox provider is offline' })
    const charge = this.charges.get(ref.reference)
    if (!charge) return Promise.resolve({ status: 'not_found', detail: 'no such charge (sandbox)' })
    charge.queries++
    if (charge.state === 'pending' && charge.queries >= charge.paidAfter) charge.state = 'paid'
    if (charge.state === 'cancelled') return Promise.resolve({ status: 'declined', detail: 'cancelled (sandbox)' })
    return Promise.resolve(this.answer(charge))
  }

  cancel(ref: ChargeRef): Promise<CancelResult> {
    if (!this.online) return Promise.resolve({ status: 'unknown', detail: 'sandbox provider is offline' })
    const charge = this.charges.get(ref.reference)
    if (charge) charge.state = 'cancelled'
    return Promise.resolve({
      status: 'cancelled',
      detail: charge ? 'cancelled (sandbox)' : 'nothing to cancel (sandbox)',
    })
  }

  /** Refunds what was paid, once per refund reference; never more than was paid. */
  refund(req: RefundRequest): Promise<RefundResult> {
    if (!this.online) return Promise.resolve({ status: 'unknown', detail: 'sandbox provider is offline' })
    const charge = this.charges.get(req.reference)
    if (!charge || charge.state !== 'paid')
      return Promise.resolve({ status: 'refused', detail: 'not a paid charge (sandbox)' })
    const id = this.refunds.get(req.refundReference) ?? `sandbox-refund-${this.next++}`
    remember(this.refunds, req.refundReference, id)
    return Promise.resolve({ status: 'refunded', refundId: id, detail: 'refunded (sandbox)' })
  }

  private answer(c: Charge): ChargeResult & QueryResult {
    if (c.state === 'paid') return { status: 'paid', transactionId: c.transactionId, detail: 'paid (sandbox)' }
    if (c.state === 'pending') return { status: 'pending', detail: 'waiting for the customer to confirm (sandbox)' }
    return {
      status: 'declined',
      detail: c.state === 'cancelled' ? 'cancelled (sandbox)' : 'insufficient balance (sandbox)',
    }
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key) // re-inserted last, so it is forgotten last
  map.set(key, value)
  for (const oldest of map.keys()) {
    if (map.size <= SANDBOX_REMEMBERS) break
    map.delete(oldest)
  }
}
