/**
 * `payments.provider: wallets` — each wallet's codes charged directly with the store's own
 * merchant account at that wallet (Alipay, WeChat Pay). A wallet that is not set up here is
 * refused at once, like a provider that cannot be reached; a charge is queried and
 * cancelled at the provider that took it.
 */
import type { PaymentProvider as Wallet } from '../till/classify.js'
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

const WALLET_NAMES: Record<Wallet, string> = { alipay: 'Alipay', wechat: 'WeChat Pay', unionpay: 'UnionPay' }

export class WalletRouter implements PaymentProvider {
  readonly name = 'wallets'

  constructor(private readonly byWallet: Partial<Record<Wallet, PaymentProvider>>) {}

  nameFor(wallet: Wallet): string {
    return this.byWallet[wallet]?.name ?? 'none'
  }

  available(wallet?: Wallet): boolean {
    const providers = wallet ? [this.byWallet[wallet]] : Object.values(this.byWallet)
    return providers.some((p) => p?.available())
  }

  charge(req: ChargeRequest): Promise<ChargeResult> {
    const p = this.byWallet[req.wallet]
    if (!p)
      return Promise.resolve({
        status: 'unavailable',
        detail: `${WALLET_NAMES[req.wallet]} is not set up at this store`,
      })
    return p.charge(req)
  }

  prepareCharge(req: ChargeRequest): () => Promise<ChargeResult> {
    const p = this.byWallet[req.wallet]
    return p?.prepareCharge ? p.prepareCharge(req) : () => this.charge(req)
  }

  query(ref: ChargeRef): Promise<QueryResult> {
    const p = this.byWallet[ref.wallet]
    return p
      ? p.query(ref)
      : Promise.resolve({ status: 'not_found', detail: `${WALLET_NAMES[ref.wallet]} is not set up` })
  }

  refund(req: RefundRequest): Promise<RefundResult> {
    const p = this.byWallet[req.wallet]
    return p
      ? p.refund(req)
      : Promise.resolve({ status: 'refused', detail: `${WALLET_NAMES[req.wallet]} is not set up` })
  }

  cancel(ref: ChargeRef): Promise<CancelResult> {
    const p = this.byWallet[ref.wallet]
    return p
      ? p.cancel(ref)
      : Promise.resolve({ status: 'cancelled', detail: `${WALLET_NAMES[ref.wallet]} is not set up` })
  }
}
