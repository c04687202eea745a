/**
 * Sales and payment-code charges reported by the POS, each under the POS's idempotency
 * key: a retry returns the first answer; a different request reusing a key is refused.
 */
import { createHash } from 'node:crypto'
import { PosReads } from '../store/read/pos-reads.js'
import type { Journal } from '../store/journal.js'
import type { Logger } from '../log.js'
import { Tally } from '../log-tally.js'
import { CodedError } from '../../config/coded-error.js'
import type { SaleArgs, SaleResponse } from '../store/tx/pos-tx.js'
import { classifyScan } from '../till/classify.js'
import { canonicalJson } from '../vouchers/canonical-json.js'
import type { PaymentProvider } from './payment-provider.js'

export class PosError extends CodedError<
  'idempotency_conflict' | 'payments_mismatch' | 'not_a_payment_code' | 'payment_offline'
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
export type ChargeResponse = {
  status: 'paid' | 'declined'
  provider: string
  amount: number
  currency: string
  maskedCode: string
  transactionId: string | null
  detail: string
  seq: number
}

/** Enough to recognise a code in a log or on a receipt, never enough to charge it. */
export function maskCode(code: string): string {
  return `${code.slice(0, 4)}${'*'.repeat(Math.max(0, code.length - 6))}${code.slice(-2)}`
}

export class PosService {
  private readonly inFlight = new Map<string, Promise<ChargeResponse>>()

  private readonly tally: Tally
  private readonly reads: PosReads

  constructor(
    private readonly journal: Journal,
    readonly provider: PaymentProvider,
    private readonly log: Logger,
  ) {
    this.tally = new Tally(log, 'POS in the last minute')
    this.reads = new PosReads(journal)
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

  /** Charges a wallet payment code now, or refuses at once; concurrent retries share one charge. */
  charge(pos: string, input: ChargeInput): Promise<ChargeResponse> {
    const key = `${pos}:${input.idempotencyKey}`
    const running = this.inFlight.get(key)
    if (running) return running
    const p = this.chargeOnce(pos, key, input).finally(() => this.inFlight.delete(key))
    this.inFlight.set(key, p)
    return p
  }

  private async chargeOnce(pos: string, key: string, input: ChargeInput): Promise<ChargeResponse> {
    const cls = classifyScan(input.authCode)
    if (cls.kind !== 'payment')
      throw new PosError('not_a_payment_code', 'not an Alipay, WeChat Pay or UnionPay payment code')
    const requestHash = hash({ authCode: input.authCode, amount: input.amount, currency: input.currency })
    const prior = this.reads.idempotent(key)
    if (prior) {
      if (prior.requestHash !== requestHash)
        throw new PosError(
          'idempotency_conflict',
          `idempotency key ${input.idempotencyKey} was used for a different charge`,
        )
      return JSON.parse(prior.response) as ChargeResponse
    }
    const masked = maskCode(input.authCode)
    const answer = this.provider.available()
      ? await this.provider.charge({
          wallet: cls.provider,
          authCode: input.authCode,
          amount: input.amount,
          currency: input.currency,
          reference: key,
        })
      : ({ status: 'unavailable', detail: `${this.provider.name} payment provider is not reachable` } as const)
    if (answer.status === 'unavailable') {
      // Never stored under the key: the code expires in a minute, a later retry must ask afresh.
      await this.journal.append({
        type: 'payment.refused_offline',
        device: `pos:${pos}`,
        payload: {
          wallet: cls.provider,
          maskedCode: masked,
          amount: input.amount,
          currency: input.currency,
          detail: answer.detail,
        },
      })
      throw new PosError(
        'payment_offline',
        `${answer.detail}; ask for another way to pay — payment codes are never queued`,
      )
    }
    const outcome = {
      status: answer.status,
      provider: this.provider.name,
      amount: input.amount,
      currency: input.currency,
      maskedCode: masked,
      transactionId: answer.status === 'paid' ? answer.transactionId : null,
      detail: answer.detail,
    }
    const { result } = await this.journal.execute('pos.payment', { key, requestHash, device: `pos:${pos}`, outcome })
    if (result.status === 'conflict')
      throw new PosError(
        'idempotency_conflict',
        `idempotency key ${input.idempotencyKey} was used for a different charge`,
      )
    this.log.debug({ pos, status: outcome.status, wallet: cls.provider, code: masked }, 'payment code charged')
    this.tally.add(outcome.status === 'paid' ? 'chargesPaid' : 'chargesDeclined')
    return result.response
  }
}

function hash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex')
}
