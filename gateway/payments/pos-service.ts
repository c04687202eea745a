/**
 * Sales and payment-code charges reported by the POS, each under the POS's idempotency
 * key: a retry returns the first answer; a different request reusing a key is refused.
 */
import { createHash } from 'node:crypto'
import { PosReads } from '../store/read/pos-reads.js'
import { PaymentReads, type PaidChargeLine } from '../store/read/payment-reads.js'
import type { Journal } from '../store/journal.js'
import type { Logger } from '../log.js'
import { Tally } from '../log-tally.js'
import { CodedError } from '../../config/coded-error.js'
import type { SaleArgs, SaleResponse } from '../store/tx/pos-tx.js'
import { classifyScan, maskCode } from '../till/classify.js'
import { canonicalJson } from '../vouchers/canonical-json.js'
import type { PaymentProvider } from './payment-provider.js'
import { ChargeProtocol, type ChargeTiming } from './charge-protocol.js'
import { RefundProtocol } from './refund-protocol.js'
import type { Attempt } from '../store/tx/payment-tx.js'
import type { RefundStartArgs } from '../store/tx/refund-tx.js'

export class PosError extends CodedError<
  | 'idempotency_conflict'
  | 'payments_mismatch'
  | 'not_a_payment_code'
  | 'payment_offline'
  | 'unknown_charge'
  | 'charge_not_paid'
  | 'refund_exceeds_payment'
  | 'charge_is_card_topup'
> {
  override readonly name = 'PosError'
}

export type SaleInput = SaleArgs['sale'] & { idempotencyKey: string }
export interface ChargeInput {
  idempotencyKey: string
  authCode: string
  amount: number
  currency: string
}
export interface RefundInput {
  idempotencyKey: string
  /** The idempotency key the charge was made under, by the same POS. */
  chargeKey: string
  amount: number
}
export type RefundBy = Pick<RefundStartArgs, 'cashier' | 'approvedBy'>
export interface RefundResponse {
  /** pending: the provider has not answered yet — ask again with the same key. */
  status: 'refunded' | 'refused' | 'pending'
  amount: number
  refundId: string | null
  detail: string
  seq: number
}

export type ChargeResponse = {
  /** pending: not decided yet — ask again with the same key (`phase` says what is going on). */
  status: 'paid' | 'declined' | 'reversed' | 'pending'
  phase?: 'confirming' | 'reversing'
  provider: string
  amount: number
  currency: string
  maskedCode: string
  transactionId: string | null
  detail: string
  seq: number
}

export class PosService {
  private readonly inFlight = new Map<string, Promise<ChargeResponse>>()

  private readonly tally: Tally
  private readonly reads: PosReads
  private readonly payments: PaymentReads

  readonly protocol: ChargeProtocol
  readonly refunds: RefundProtocol

  constructor(
    private readonly journal: Journal,
    readonly provider: PaymentProvider,
    private readonly timing: ChargeTiming & { answerWithinMs: number },
    private readonly log: Logger,
  ) {
    this.tally = new Tally(log, 'POS in the last minute')
    this.reads = new PosReads(journal)
    this.payments = new PaymentReads(journal)
    this.protocol = new ChargeProtocol(journal, provider, timing, log)
    this.refunds = new RefundProtocol(journal, provider, timing, log)
  }

  /**
   * Gives part or all of a paid charge (this POS's, by its idempotency key) back to the
   * customer; waits up to `answerWithinMs` for the provider, else answers pending (ask
   * again with the same key: the same refund, never a second one).
   */
  refund(pos: string, input: RefundInput): Promise<RefundResponse> {
    return this.refundCharge(`${pos}:${input.chargeKey}`, {
      reference: `${pos}:refund:${input.idempotencyKey}`,
      idempotencyKey: input.idempotencyKey,
      amount: input.amount,
      device: `pos:${pos}`,
      charge: `under key ${input.chargeKey} from this POS`,
    })
  }

  /** The same, for a charge named by our reference (the till's refund screen), with who gave it back. */
  async refundCharge(
    chargeReference: string,
    r: { reference: string; idempotencyKey: string; amount: number; device: string | null; charge: string } & RefundBy,
  ): Promise<RefundResponse> {
    const { idempotencyKey, charge, ...args } = r
    const started = await this.refunds.begin({
      ...args,
      chargeReference,
      requestHash: hash({ chargeReference, amount: r.amount }),
    })
    switch (started.status) {
      case 'conflict':
        throw new PosError('idempotency_conflict', `idempotency key ${idempotencyKey} was used for a different refund`)
      case 'no_charge':
        throw new PosError('unknown_charge', `no payment-code charge ${charge}`)
      case 'not_paid':
        throw new PosError('charge_not_paid', 'that charge was not paid: there is nothing to give back')
      case 'card_topup':
        throw new PosError('charge_is_card_topup', 'that payment topped up a member card: take the top-up back instead')
      case 'exceeds':
        throw new PosError('refund_exceeds_payment', `only ${started.left} of that payment is left to give back`)
    }
    const d =
      (await within(started.decided, this.timing.answerWithinMs)) ?? this.refunds.refund(started.refund.reference)!
    this.tally.add(`refunds_${d.state}`)
    return {
      status: d.state === 'refunding' ? 'pending' : d.state,
      amount: d.amount,
      refundId: d.refundId,
      detail: d.detail,
      seq: d.seq,
    }
  }

  /** Paid POS charges for the till's refund screen (store/read/payment-reads.ts). */
  paidCharges(q: Parameters<PaymentReads['paidCharges']>[0]): PaidChargeLine[] {
    return this.payments.paidCharges(q)
  }

  async recordSale(pos: string, input: SaleInput): Promise<SaleResponse & { repeated: boolean }> {
    const { idempotencyKey, ...sale } = input
    const paid = sale.payments.reduce((sum, p) => sum + p.amount, 0)
    if (paid !== sale.amount)
      throw new PosError('payments_mismatch', `payments add up to ${paid}, the sale is ${sale.amount}`)
    const { result } = await this.journal.execute('pos.sale', {
      key: `${pos}:${idempotencyKey}`,
      requestHash: hash(sale),
      pos,
      device: `pos:${pos}`,
      sale,
    })
    if (result.status === 'conflict')
      throw new PosError('idempotency_conflict', `idempotency key ${idempotencyKey} was used for a different sale`)
    this.tally.add(result.status === 'repeat' ? 'salesRepeated' : 'sales')
    return { ...result.response, repeated: result.status === 'repeat' }
  }

  /**
   * Charges a wallet payment code now (charge-protocol.ts), or refuses at once when no
   * provider can be reached; waits up to `waitMs` for it to be decided, else answers
   * pending. Concurrent retries of one key share one charge; a later retry finds it.
   */
  charge(pos: string, input: ChargeInput, waitMs = this.timing.answerWithinMs): Promise<ChargeResponse> {
    const key = `${pos}:${input.idempotencyKey}`
    const running = this.inFlight.get(key)
    if (running) return running
    const p = this.chargeOnce(pos, key, input, waitMs).finally(() => this.inFlight.delete(key))
    this.inFlight.set(key, p)
    return p
  }

  /** A charge someone waits on to the end (a card top-up): until it is decided, or a cancel is still being confirmed. */
  chargeDecided(pos: string, input: ChargeInput): Promise<ChargeResponse> {
    return this.charge(pos, input, this.timing.confirmWithinMs + 2 * this.timing.queryEveryMs + 1_000)
  }

  private async chargeOnce(pos: string, key: string, input: ChargeInput, waitMs: number): Promise<ChargeResponse> {
    const cls = classifyScan(input.authCode)
    if (cls.kind !== 'payment')
      throw new PosError('not_a_payment_code', 'not an Alipay, WeChat Pay or UnionPay payment code')
    const requestHash = hash({ authCode: input.authCode, amount: input.amount, currency: input.currency })
    const conflict = () =>
      new PosError('idempotency_conflict', `idempotency key ${input.idempotencyKey} was used for a different charge`)
    // Charges recorded before the protocol (issue #21) answer from the idempotency table.
    const prior = this.reads.idempotent(key)
    if (prior) {
      if (prior.requestHash !== requestHash) throw conflict()
      return JSON.parse(prior.response) as ChargeResponse
    }
    const masked = maskCode(input.authCode)
    if (!this.protocol.attempt(key) && !this.provider.available(cls.provider)) {
      const who = this.provider.nameFor?.(cls.provider) ?? this.provider.name
      const detail =
        who === 'none'
          ? `${cls.provider} payments are not set up at this store`
          : `${who} payment provider is not reachable`
      // Never written under the key: the code expires in a minute, a later retry must ask afresh.
      await this.journal.append({
        type: 'payment.refused_offline',
        device: `pos:${pos}`,
        payload: { wallet: cls.provider, maskedCode: masked, amount: input.amount, currency: input.currency, detail },
      })
      throw new PosError('payment_offline', `${detail}; ask for another way to pay — payment codes are never queued`)
    }
    const started = await this.protocol.begin({
      reference: key,
      requestHash,
      device: `pos:${pos}`,
      maskedCode: masked,
      wallet: cls.provider,
      authCode: input.authCode,
      amount: input.amount,
      currency: input.currency,
    })
    if (started.status === 'conflict') throw conflict()
    const decided = await within(started.decided, waitMs)
    const a = decided ?? this.protocol.attempt(key)!
    this.log.debug({ pos, state: a.state, wallet: cls.provider, code: masked }, 'payment code charge')
    if (started.status === 'new' && decided) this.tally.add(`charges_${a.state}`)
    return view(a)
  }
}

function view(a: Attempt): ChargeResponse {
  const s = a.state
  return {
    ...(s === 'paid' || s === 'declined' || s === 'reversed'
      ? { status: s }
      : { status: 'pending' as const, phase: s === 'reversing' ? ('reversing' as const) : ('confirming' as const) }),
    provider: a.provider,
    amount: a.amount,
    currency: a.currency,
    maskedCode: a.maskedCode,
    transactionId: a.transactionId,
    detail: a.detail,
    seq: a.seq,
  }
}

/** The promise's value, or null when it has not settled within `ms`. */
async function within<T>(p: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)))
  try {
    return await Promise.race([p, late])
  } finally {
    clearTimeout(timer)
  }
}

function hash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex')
}
