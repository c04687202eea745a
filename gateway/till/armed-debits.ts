/**
 * Pay from the member card, amount first: the cashier types the amount on the till screen
 * (which arms a debit for its scanner), then the member shows their QR. The scan and the
 * debit are then submitted in the same tick and commit in one transaction (one fsync), as
 * a voucher's redemption does with its scan — so paying from the card is as quick as
 * checking a voucher. An armed debit is for one member scan, and lapses after a minute.
 */
import type { CardActor, CardService, Moved } from '../cards/card-service.js'
import { CodedError } from '../../config/coded-error.js'

export const ARMED_MS = 60_000

export interface ArmedDebit {
  idempotencyKey: string
  amount: number
  actor: CardActor
  until: number
}

/** What the till result of the member scan says about the card. */
export type TillCardMove =
  | { ok: true; entry: Moved['entry']; balance: { principal: number; bonus: number; total: number }; currency: string }
  | { ok: false; error: string; message: string }

export class ArmedDebits {
  /** One per till scanner: the screen's latest amount replaces an earlier one. */
  private readonly armed = new Map<string, ArmedDebit>()

  constructor(
    private readonly cards: Pick<CardService, 'debit' | 'currency'>,
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
    const debit = this.armed.get(device)
    if (!debit) return null
    this.armed.delete(device)
    if (debit.until < this.now()) return null
    return this.cards.debit(debit.actor, { idempotencyKey: debit.idempotencyKey, memberId, amount: debit.amount }).then(
      (m): TillCardMove => ({
        ok: true,
        entry: m.entry,
        balance: { ...m.balance, total: m.balance.principal + m.balance.bonus },
        currency: this.cards.currency,
      }),
      (err: unknown): TillCardMove => {
        if (err instanceof CodedError) return { ok: false, error: err.code, message: err.message }
        throw err
      },
    )
  }
}
