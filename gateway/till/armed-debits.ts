/**
 * Pay from the member card, amount first: the cashier types the amount on the till screen
 * (which arms a debit for its scanner), then the member shows their QR. The scan and the
 * debit are then submitted in the same tick and commit in one transaction (one fsync), as
 * a voucher's redemption does with its scan — so paying from the card is as quick as
 * checking a voucher. An armed debit is for one member scan, and lapses after a minute.
 */
import type { CardActor, CardService, Moved } from '../cards/card-service.js'
import { chainView, type ChainPay } from '../cards/chain-pay.js'
import { CodedError } from '../../config/coded-error.js'

export const ARMED_MS = 60_000

export interface ArmedDebit {
  idempotencyKey: string
  amount: number
  actor: CardActor
  until: number
}

/** What the till result of the member scan says about the card; `home` when it is another store's member. */
export type TillCardMove =
  | {
      ok: true
      entry: Moved['entry']
      balance: { principal: number; bonus: number; total: number }
      currency: string
      home?: { store: string; name: string }
    }
  | { ok: false; error: string; message: string; home?: true }

export class ArmedDebits {
  /** One per till scanner: the screen's latest amount replaces an earlier one. */
  private readonly armed = new Map<string, ArmedDebit>()

  constructor(
    private readonly cards: Pick<CardService, 'debit' | 'currency'>,
    /** Members of the merchant's other stores, paid through their home store; null when this store cannot. */
    private readonly chain: Pick<ChainPay, 'debit' | 'available'> | null = null,
    private readonly now: () => number = Date.now,
  ) {}

  arm(device: string, debit: Omit<ArmedDebit, 'until'>): { until: number } {
    const until = this.now() + ARMED_MS
    this.armed.set(device, { ...debit, until })
    return { until }
  }

  disarm(device: string): boolean {
    return this.armed.delete(device)
  }

  /**
   * Called in the scan's tick when a member was recognised on `device`: submits the armed
   * debit (if any, and still in time) so it shares the scan's commit; null when none.
   */
  payOnScan(device: string, memberId: string): Promise<TillCardMove> | null {
    const debit = this.take(device)
    if (!debit) return null
    return this.cards.debit(debit.actor, { idempotencyKey: debit.idempotencyKey, memberId, amount: debit.amount }).then(
      (m): TillCardMove => ({
        ok: true,
        entry: m.entry,
        balance: { ...m.balance, total: m.balance.principal + m.balance.bonus },
        currency: this.cards.currency,
      }),
      refusal,
    )
  }

  /**
   * A member this store does not know scanned on `device`: the armed debit (if any) is asked
   * of their home store through the cloud (chain-pay.ts); null when none is armed or this
   * store cannot take other stores' cards.
   */
  payElsewhereOnScan(device: string, memberCode: string): Promise<TillCardMove> | null {
    if (!this.chain?.available) return null
    const debit = this.take(device)
    if (!debit) return null
    const input = { idempotencyKey: debit.idempotencyKey, memberCode, amount: debit.amount }
    return this.chain.debit(debit.actor, input).then(
      (p): TillCardMove => {
        const { entry, balance, currency, home } = chainView(p)
        return { ok: true, entry, balance, currency, home }
      },
      (err: unknown) => ({ ...refusal(err), home: true as const }),
    )
  }

  /** The debit armed on `device`, still in time; it is for one scan only. */
  private take(device: string): ArmedDebit | null {
    const debit = this.armed.get(device)
    if (!debit) return null
    this.armed.delete(device)
    return debit.until < this.now() ? null : debit
  }
}

function refusal(err: unknown): TillCardMove & { ok: false } {
  if (err instanceof CodedError) return { ok: false, error: err.code, message: err.message }
  throw err
}
