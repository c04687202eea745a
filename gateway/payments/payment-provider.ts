/**
 * The payment-provider adapter: how a wallet payment code (付款码) becomes a charge.
 * A real PSP adapter (Alipay/WeChat Pay "micropay", UnionPay) implements this later;
 * the sandbox ships for development and tests. Payment codes expire in about a minute,
 * so a provider that cannot be reached must say so at once — never queue a charge.
 */
import type { PaymentProvider as Wallet } from '../till/classify.js'

export interface ChargeRequest {
  wallet: Wallet
  authCode: string
  amount: number
  currency: string
  /** Our reference, unique per charge (the idempotency key): a PSP dedupes on it too. */
  reference: string
}

export type ChargeResult =
  | { status: 'paid'; transactionId: string; detail: string }
  | { status: 'declined'; detail: string }
  | { status: 'unavailable'; detail: string }

export interface PaymentProvider {
  readonly name: string
  /** True when a charge could be attempted now (link up, PSP reachable). */
  available(): boolean
  charge(req: ChargeRequest): Promise<ChargeResult>
}

/** No PSP configured: every payment code is refused at once. */
export const NO_PROVIDER: PaymentProvider = {
  name: 'none',
  available: () => false,
  charge: () =>
    Promise.resolve({ status: 'unavailable', detail: 'no payment provider is configured (payments.provider)' }),
}

/**
 * A PSP stand-in: pays every code except those ending 0000 (declined: "insufficient
 * balance"); `online` can be switched off to act out a dead link.
 */
export class SandboxProvider implements PaymentProvider {
  readonly name = 'sandbox'
  online = true
  private next = 1

  available(): boolean {
    return this.online
  }

  charge(req: ChargeRequest): Promise<ChargeResult> {
    if (!this.online) return Promise.resolve({ status: 'unavailable', detail: 'sandbox provider is offline' })
    if (req.authCode.endsWith('0000'))
      return Promise.resolve({ status: 'declined', detail: 'insufficient balance (sandbox)' })
    return Promise.resolve({
      status: 'paid',
      transactionId: `sandbox-${req.wallet}-${this.next++}`,
      detail: 'paid (sandbox)',
    })
  }
}
