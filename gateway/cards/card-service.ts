/**
 * The stored-value card (docs/members.md): top-up (cash, or a wallet payment code charged
 * now), pay from the balance, refund a card payment, and a manager's reversal of a
 * top-up. Every movement is one writer command (store/tx/card-tx.ts) under the caller's
 * idempotency key; this service checks the request, applies the store's limits and
 * bonus rules, and turns refusals into CardErrors that name the reason.
 */
import { createHash } from 'node:crypto'
import type { CardsConfig } from '../../config/cards-schema.js'
import type { Logger } from '../log.js'
import { Tally } from '../log-tally.js'
import type { Journal } from '../store/journal.js'
import { CardReads, type CardView, type StatementLine } from '../store/read/card-reads.js'
import { PosReads } from '../store/read/pos-reads.js'
import { overLimit, type CardOutcome } from '../store/tx/card-tx.js'
import { CARD_TOPUP_KEY } from '../store/tx/payment-tx.js'
import { canonicalJson } from '../vouchers/canonical-json.js'
import { MemberError } from '../members/member-service.js'
import { PosError, type PosService } from '../payments/pos-service.js'
import { classifyScan } from '../till/classify.js'
import { CardError } from './card-errors.js'
import { bonusFor } from './bonus.js'

/** Who asks: a POS (by its token's name) or a cashier at /till. */
export interface CardActor {
  /** `pos:<name>` or `till:<cashier>`: keys are unique per actor. */
  key: string
  cashier: string | null
  device: string | null
}

export type TopUpPayment = { method: 'cash' } | { method: 'code'; authCode: string }

export interface TopUpInput {
  idempotencyKey: string
  memberId: string
  amount: number
  payment: TopUpPayment
  /** The cashier saw the member's ID (needed above `cards.idCheckAbove`). */
  idChecked?: boolean
}

export type Moved = Extract<CardOutcome, { ok: true }>

export interface CardSummary {
  memberId: string
  currency: string
  principal: number
  bonus: number
  total: number
  openedAt: number | null
}

export class CardService {
  private readonly reads: CardReads
  private readonly pos: PosReads
  private readonly tally: Tally
  /** Top-ups of one member run one at a time here, so limits checked before a charge still hold after it. */
  private readonly topUps = new Map<string, Promise<unknown>>()

  constructor(
    private readonly journal: Journal,
    private readonly config: CardsConfig,
    private readonly payments: Pick<PosService, 'chargeDecided'>,
    private readonly log: Logger,
  ) {
    this.reads = new CardReads(journal)
    this.pos = new PosReads(journal)
    this.tally = new Tally(log, 'card movements in the last minute')
  }

  get currency(): string {
    return this.config.currency
  }

  summary(memberId: string): CardSummary {
    const card: CardView | null = this.reads.card(memberId)
    const principal = card?.principal ?? 0
    const bonus = card?.bonus ?? 0
    const currency = card?.currency ?? this.config.currency
    return { memberId, currency, principal, bonus, total: principal + bonus, openedAt: card?.openedAt ?? null }
  }

  statement(memberId: string, limit = 50, beforeSeq?: number): StatementLine[] {
    return this.reads.statement(memberId, limit, beforeSeq)
  }

  topUp(actor: CardActor, input: TopUpInput): Promise<Moved> {
    this.requireEnabled()
    money(input.amount, 'amount')
    if (input.amount > this.config.maxTopUp)
      throw new CardError('over_max_topup', `one top-up may add at most ${this.config.maxTopUp}`)
    const previous = this.topUps.get(input.memberId) ?? Promise.resolve()
    const run = previous.catch(() => undefined).then(() => this.topUpNow(actor, input))
    this.topUps.set(input.memberId, run)
    void run
      .catch(() => undefined)
      .finally(() => {
        if (this.topUps.get(input.memberId) === run) this.topUps.delete(input.memberId)
      })
    return run
  }

  async debit(
    actor: CardActor,
    input: { idempotencyKey: string; memberId: string; amount: number; reference?: string | null },
  ): Promise<Moved> {
    this.requireEnabled()
    money(input.amount, 'amount')
    const reference = input.reference ?? null
    const { result } = await this.journal.execute('card.debit', {
      ...this.move(actor, input.idempotencyKey, { op: 'debit', m: input.memberId, a: input.amount, reference }),
      member: input.memberId,
      amount: input.amount,
      reference,
    })
    return this.settled(result, 'debit')
  }

  async refund(actor: CardActor, input: { idempotencyKey: string; debitId: string; amount: number }): Promise<Moved> {
    this.requireEnabled()
    money(input.amount, 'amount')
    const { result } = await this.journal.execute('card.refund', {
      ...this.move(actor, input.idempotencyKey, { op: 'refund', d: input.debitId, a: input.amount }),
      debitId: input.debitId,
      amount: input.amount,
    })
    return this.settled(result, 'refund')
  }

  /** A manager already approved it (their PIN checked by the caller): takes a whole top-up back off the card. */
  async reverse(
    actor: CardActor,
    input: { idempotencyKey: string; topUpId: string; approver: string },
  ): Promise<Moved> {
    this.requireEnabled()
    const { result } = await this.journal.execute('card.reverse', {
      ...this.move(actor, input.idempotencyKey, { op: 'reverse', t: input.topUpId }),
      topUpId: input.topUpId,
      approver: input.approver,
      windowMs: this.config.reversalWindowMinutes * 60_000,
    })
    return this.settled(result, 'reverse')
  }

  /** A manager already approved it: closes the card, the principal handed back in cash, the bonus forfeited. */
  async payOut(
    actor: CardActor,
    input: { idempotencyKey: string; memberId: string; approver: string },
  ): Promise<Moved> {
    this.requireEnabled()
    const { result } = await this.journal.execute('card.payout', {
      ...this.move(actor, input.idempotencyKey, { op: 'payout', m: input.memberId }),
      member: input.memberId,
      approver: input.approver,
    })
    return this.settled(result, 'payout')
  }

  /** The stored value the store holds for its members (what it owes them), per currency. */
  held(): ReturnType<CardReads['held']> {
    return this.reads.held()
  }

  /** Cards whose balance is not their ledger's sum (doctor, tests): always empty. */
  ledgerMismatches(): ReturnType<CardReads['mismatches']> {
    return this.reads.mismatches()
  }

  private async topUpNow(actor: CardActor, input: TopUpInput): Promise<Moved> {
    const bonus = bonusFor(this.config.bonuses, input.amount)
    const idChecked = input.idChecked === true
    const request = {
      op: 'topup',
      m: input.memberId,
      a: input.amount,
      p: input.payment.method === 'code' ? input.payment.authCode : 'cash',
      idChecked,
    }
    const args = {
      ...this.move(actor, input.idempotencyKey, request),
      member: input.memberId,
      amount: input.amount,
      bonus,
      idChecked,
      limits: { maxBalance: this.config.maxBalance, idCheckAbove: this.config.idCheckAbove },
    }
    if (input.payment.method === 'cash') {
      const { result } = await this.journal.execute('card.topup', {
        ...args,
        method: 'cash',
        reference: null,
        charged: false,
      })
      return this.settled(result, 'topup')
    }
    const prior = this.pos.idempotent(args.key)
    if (prior) {
      // A retry: the first answer, without asking the wallet again.
      if (prior.requestHash !== args.requestHash)
        throw new PosError(
          'idempotency_conflict',
          `idempotency key ${input.idempotencyKey} was used for a different request`,
        )
      return { ...(JSON.parse(prior.response) as Moved), repeated: true }
    }
    const wallet = classifyScan(input.payment.authCode)
    if (wallet.kind !== 'payment')
      throw new PosError('not_a_payment_code', 'not an Alipay, WeChat Pay or UnionPay payment code')
    this.checkLimits(input.memberId, input.amount + bonus, idChecked)
    const charge = await this.payments.chargeDecided(actor.key, {
      idempotencyKey: `${CARD_TOPUP_KEY}${input.idempotencyKey}`,
      authCode: input.payment.authCode,
      amount: input.amount,
      currency: this.config.currency,
    })
    if (charge.status === 'declined') throw new CardError('payment_declined', `${wallet.provider}: ${charge.detail}`)
    if (charge.status !== 'paid')
      throw new CardError(
        'payment_not_confirmed',
        charge.status === 'pending'
          ? `${wallet.provider}: not confirmed in time; it is being cancelled, nothing is charged`
          : `${wallet.provider}: not confirmed in time; cancelled, nothing is charged`,
      )
    const { result } = await this.journal.execute('card.topup', {
      ...args,
      method: wallet.provider,
      reference: charge.transactionId,
      charged: true,
    })
    return this.settled(result, 'topup')
  }

  /** Before charging a wallet: the same limits the writer checks for cash (it credits a charged top-up whatever). */
  private checkLimits(memberId: string, adding: number, idChecked: boolean): void {
    const limits = { maxBalance: this.config.maxBalance, idCheckAbove: this.config.idCheckAbove }
    const over = overLimit(this.summary(memberId).total, adding, limits, idChecked)
    if (over) throw new CardError(over.reason, over.detail)
  }

  private move(actor: CardActor, idempotencyKey: string, request: Record<string, unknown>) {
    return {
      key: `card:${actor.key}:${idempotencyKey}`,
      requestHash: createHash('sha256').update(canonicalJson(request)).digest('hex'),
      currency: this.config.currency,
      cashier: actor.cashier,
      device: actor.device,
    }
  }

  private settled(result: CardOutcome, action: string): Moved {
    if (result.ok) {
      this.tally.add(result.repeated ? `${action}Repeated` : action)
      this.log.debug({ action, memberId: result.memberId, entry: result.entry.id }, 'card moved')
      return result
    }
    this.tally.add(`${action}Refused`)
    if (result.reason === 'idempotency_conflict') throw new PosError('idempotency_conflict', result.detail)
    if (result.reason === 'unknown_member') throw new MemberError('unknown_member', result.detail)
    throw new CardError(result.reason, result.detail)
  }

  /** Refuses with cards_disabled when the store does not offer the card. */
  requireEnabled(): void {
    if (!this.config.enabled)
      throw new CardError('cards_disabled', 'this store does not offer the card (cards.enabled)')
  }
}

/** A positive whole number of minor units; anything else is refused naming the field. */
function money(value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value < 1 || value > 100_000_000)
    throw new CardError(
      'invalid_amount',
      `${field} must be a whole number of minor units (fen, cents) from 1 to 100000000`,
    )
}
