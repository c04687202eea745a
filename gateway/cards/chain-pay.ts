/**
 * Paying here from the card of a member whose home is another store of this merchant
 * (docs/members.md, "Chains"). The home store decides, asked through the cloud while the
 * customer waits: no link or no answer in time → refused as "needs connection", never
 * queued and never guessed. A payment that got no answer is given up here for good (its
 * key closed) and journaled, and the cloud has the home store take it back if it was made.
 */
import { createHash } from 'node:crypto'
import type { CardsConfig } from '../../config/cards-schema.js'
import type { CardDebitRequest, RemoteCardMove } from './chain-types.js'
import type { CodedError } from '../../config/coded-error.js'
import type { Logger } from '../log.js'
import type { Journal } from '../store/journal.js'
import { parseMemberCode } from '../members/member-code.js'
import { canonicalJson } from '../vouchers/canonical-json.js'
import { PosError } from '../payments/pos-service.js'
import { CardError } from './card-errors.js'
import { MemberError } from '../members/member-service.js'
import type { RemoteOutcome } from '../store/tx/card-remote-tx.js'
import { PosReads } from '../store/read/pos-reads.js'
import type { CardActor } from './card-service.js'

/** How the cloud answered; `sent: false` when the request never left this store (no link). */
export type PayAnswer =
  | { answer: 'ok'; card: RemoteCardMove }
  | { answer: 'refused'; reason: string; detail: string }
  | { answer: 'unavailable'; sent: boolean; detail: string }

/** The sync side (sync/card-payer.ts): asks the cloud, which asks the member's home store. */
export interface CardPayer {
  pay(req: CardDebitRequest): Promise<PayAnswer>
}

export interface ChainPayment {
  /** This store's journal event for the payment (card.remote_debited). */
  id: string
  seq: number
  time: number
  move: RemoteCardMove
  repeated: boolean
}

/** A chain payment as the till and the POS show it: `entry` is the home store's ledger entry, `seq` this store's event. */
export function chainView(p: ChainPayment) {
  const m = p.move
  return {
    memberId: m.memberId,
    currency: m.currency,
    entry: {
      id: m.entryId,
      seq: p.seq,
      time: p.time,
      kind: 'debit' as const,
      amount: m.amount,
      principal: m.principal,
      bonus: m.bonus,
    },
    balance: { ...m.balance, total: m.balance.principal + m.balance.bonus },
    home: { store: m.homeStore, name: m.homeName },
  }
}

/** Refusals from the home store that keep their own code here; any other reads as "needs connection" (not checked). */
const KNOWN = new Set([
  'insufficient_balance',
  'no_card',
  'wrong_currency',
  'cards_disabled',
  'member_not_present',
  'other_merchant',
  'needs_connection',
  'idempotency_conflict',
])

export class ChainPay {
  private readonly reads: PosReads

  constructor(
    private readonly journal: Journal,
    private readonly config: Pick<CardsConfig, 'enabled' | 'acrossStores' | 'currency'>,
    /** Null without sync or without a merchant: a member of another store cannot pay here. */
    private readonly payer: CardPayer | null,
    private readonly log: Logger,
  ) {
    this.reads = new PosReads(journal)
  }

  get available(): boolean {
    return this.config.enabled && this.config.acrossStores && this.payer !== null
  }

  async debit(
    actor: CardActor,
    input: { idempotencyKey: string; memberCode: string; amount: number; reference?: string | null },
  ): Promise<ChainPayment> {
    const memberId = parseMemberCode(input.memberCode)?.memberId
    if (!memberId) throw new CardError('member_not_present', 'the member QR: not a readable member code')
    if (!this.available || !this.payer)
      throw new CardError('member_not_present', `the member QR: member ${memberId} is not known at this store`)
    const reference = input.reference ?? null
    const key = `card:${actor.key}:${input.idempotencyKey}`
    const base = {
      key,
      // The member's code changes every 30 s: a retry with a fresh code is the same payment.
      requestHash: hash(canonicalJson({ op: 'chain-debit', m: memberId, a: input.amount, reference })),
      cashier: actor.cashier,
      device: actor.device,
    }
    const first = this.firstAnswer(key, base.requestHash)
    if (first) return first
    // The key goes up hashed: the home store and the cloud see an opaque, fixed-size id.
    const sentKey = hash(key).slice(0, 43)
    const answer = await this.payer.pay({
      memberId,
      memberCode: input.memberCode,
      amount: input.amount,
      currency: this.config.currency,
      key: sentKey,
      reference,
      cashier: actor.cashier,
    })
    if (answer.answer === 'ok') {
      const { result } = await this.journal.execute('card.remoteDebit', { ...base, move: answer.card, reference })
      return settled(result)
    }
    if (answer.answer === 'unavailable' && answer.sent) {
      // It may have been made at home: given up here for good, and taken back there.
      this.log.warn({ memberId, detail: answer.detail }, 'card payment at another store got no answer; given up')
      const args = { ...base, sentKey, memberId, amount: input.amount }
      const { result } = await this.journal.execute('card.remoteAbandon', args)
      return settled(result)
    }
    const reason = answer.answer === 'refused' ? answer.reason : 'needs_connection'
    await this.journal.execute('card.remoteRefused', { memberId, amount: input.amount, reason, ...base })
    throw refusal(reason, answer.detail)
  }

  /** A retry of a payment already answered: its first answer, without asking again. */
  private firstAnswer(key: string, requestHash: string): ChainPayment | null {
    const prior = this.reads.idempotent(key)
    if (!prior) return null
    if (prior.requestHash !== requestHash)
      throw new PosError('idempotency_conflict', 'this idempotency key was used for a different request')
    const first = JSON.parse(prior.response) as RemoteOutcome
    return settled(first.ok ? { ...first, repeated: true } : first)
  }
}

function settled(result: RemoteOutcome): ChainPayment {
  if (result.ok)
    return { id: result.id, seq: result.seq, time: result.time, move: result.move, repeated: result.repeated }
  if (result.reason === 'idempotency_conflict') throw new PosError('idempotency_conflict', result.detail)
  throw new CardError('needs_connection', result.detail)
}

function refusal(reason: string, detail: string): CodedError<string> {
  if (reason === 'idempotency_conflict') return new PosError('idempotency_conflict', detail)
  if (reason === 'unknown_member') return new MemberError('unknown_member', detail)
  return new CardError((KNOWN.has(reason) ? reason : 'needs_connection') as CardError['code'], detail)
}

const hash = (s: string) => createHash('sha256').update(s).digest('base64url')
