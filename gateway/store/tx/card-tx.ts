/**
 * Stored-value card movements, run by the journal writer: the ledger entry, the card's
 * balance, the event and its outbox row commit together or not at all, under the
 * request's idempotency key. The balance only moves by conditional UPDATEs whose row
 * count is checked (and the table's CHECKs forbid a negative balance), so two tills
 * paying from one card at once can never both spend the same money. Money put back or
 * taken back (refund, reversal, payout) is in card-undo-tx.ts.
 */
import type { EventPayloads } from '../event-contract.js'
import { remember, replay } from './idempotency.js'
import type { TxContext } from './tx-context.js'
import { touchMember } from './member-profile.js'

export interface CardBalance {
  principal: number
  bonus: number
}

export interface LedgerEntry {
  id: string
  seq: number
  time: number
  kind: 'topup' | 'debit' | 'refund' | 'reversal' | 'payout'
  /** Always positive: how much moved. */
  amount: number
  /** Signed: what the movement did to the paid-in money and to the bonus. */
  principal: number
  bonus: number
}

export type CardRefusal =
  | 'unknown_member'
  | 'no_card'
  | 'wrong_currency'
  | 'insufficient_balance'
  | 'over_max_balance'
  | 'id_check_required'
  | 'unknown_entry'
  | 'refund_exceeds_debit'
  | 'already_reversed'
  | 'reversal_window_passed'
  | 'balance_spent'
  | 'idempotency_conflict'

export type CardOutcome =
  | { ok: true; memberId: string; entry: LedgerEntry; balance: CardBalance; repeated: boolean }
  | { ok: false; reason: CardRefusal; detail: string; balance: CardBalance | null }

export interface Move {
  key: string
  requestHash: string
  currency: string
  cashier: string | null
  device: string | null
}
export interface TopUpArgs extends Move {
  member: string
  amount: number
  bonus: number
  method: string
  reference: string | null
  idChecked: boolean
  limits: { maxBalance: number; idCheckAbove: number }
  /** The money was already taken (a payment code charged): credit it whatever the limits say now. */
  charged: boolean
}
export interface DebitArgs extends Move {
  member: string
  amount: number
  reference: string | null
}

type Refused = Extract<CardOutcome, { ok: false }>
export const refused = (reason: CardRefusal, detail: string, balance: CardBalance | null = null): Refused => ({
  ok: false,
  reason,
  detail,
  balance,
})

export function cardTopUpTx(tx: TxContext, a: TopUpArgs): CardOutcome {
  return once(tx, a, 'topup', a.member, a.amount, () => {
    if (!tx.stmt('SELECT 1 FROM members WHERE id = ?').get(a.member))
      return refused('unknown_member', `member ${a.member} is not known at this store`)
    const card = cardOf(tx, a.member)
    const before = card ?? { principal: 0, bonus: 0 }
    const currency = card?.currency ?? null
    if (currency !== null && currency !== a.currency)
      return refused('wrong_currency', `the card holds ${currency}, not ${a.currency}`)
    if (!a.charged) {
      const over = overLimit(before.principal + before.bonus, a.amount + a.bonus, a.limits, a.idChecked)
      if (over) return refused(over.reason, over.detail, before)
    }
    // The card opens with its first top-up that is not refused.
    tx.stmt(
      'INSERT INTO cards (member, currency, opened_at, moved_at) VALUES (?, ?, ?, ?) ON CONFLICT (member) DO NOTHING',
    ).run(a.member, a.currency, tx.now, tx.now)
    const delta = { principal: a.amount, bonus: a.bonus }
    const facts = { method: a.method, reference: a.reference }
    return move(
      tx,
      a,
      a.member,
      'card.topped_up',
      delta,
      (base) => ({ ...base, ...facts, idChecked: a.idChecked }),
      facts,
    )
  })
}

export function cardDebitTx(tx: TxContext, a: DebitArgs): CardOutcome {
  return once(tx, a, 'debit', a.member, a.amount, () => {
    const before = cardOf(tx, a.member)
    if (!before) return refused('no_card', 'this member has never topped up a card')
    if (before.currency !== a.currency)
      return refused('wrong_currency', `the card holds ${before.currency}, not ${a.currency}`)
    const total = before.principal + before.bonus
    if (total < a.amount)
      return refused('insufficient_balance', `the card holds ${total}; the payment is ${a.amount}`, before)
    // Spent in proportion, so what is left keeps the card's mix (refunds on closing a card return principal only).
    const principal = Number((BigInt(a.amount) * BigInt(before.principal)) / BigInt(total))
    const delta = { principal: -principal, bonus: -(a.amount - principal) }
    const facts = { reference: a.reference }
    return move(tx, a, a.member, 'card.debited', delta, (base) => ({ ...base, ...facts }), facts)
  })
}

/** Why a card holding `held` may not take `adding` more (bonus included), or null when it may. */
export function overLimit(
  held: number,
  adding: number,
  limits: TopUpArgs['limits'],
  idChecked: boolean,
): { reason: 'over_max_balance' | 'id_check_required'; detail: string } | null {
  if (held + adding > limits.maxBalance)
    return {
      reason: 'over_max_balance',
      detail: `a card may hold at most ${limits.maxBalance}; this one can take ${Math.max(0, limits.maxBalance - held)} more (bonus included)`,
    }
  if (held + adding > limits.idCheckAbove && !idChecked)
    return {
      reason: 'id_check_required',
      detail: `a balance above ${limits.idCheckAbove} needs the member's ID checked (real-name)`,
    }
  return null
}

/** The request under its key: a retry gets the first answer; a refusal is journaled and not remembered. */
export function once(
  tx: TxContext,
  a: Move,
  action: EventPayloads['card.refused']['action'],
  member: string,
  amount: number,
  run: () => CardOutcome,
): CardOutcome {
  const prior = replay<CardOutcome>(tx, a.key, a.requestHash)
  if (prior?.status === 'conflict')
    return refused('idempotency_conflict', 'this idempotency key was used for a different request')
  if (prior) return { ...prior.response, repeated: true } as CardOutcome
  const out = run()
  if (out.ok) remember(tx, a.key, a.requestHash, out)
  else
    tx.append('card.refused', a.device, {
      memberId: member,
      action,
      amount,
      reason: out.reason,
      cashier: a.cashier,
    })
  return out
}

type MoveType = 'card.topped_up' | 'card.debited' | 'card.refunded' | 'card.reversed' | 'card.paid_out'
type MoveBase = Omit<EventPayloads['card.debited'], 'reference'>
/** What the ledger row records besides the amounts. */
interface LedgerFacts {
  ofEntry?: string
  method?: string
  reference?: string | null
  approver?: string
}

/** Moves the balance by `delta` (checked), then journals the event and writes its ledger row. */
export function move<T extends MoveType>(
  tx: TxContext,
  a: Move,
  member: string,
  type: T,
  delta: CardBalance,
  payload: (base: MoveBase) => EventPayloads[T],
  facts: LedgerFacts,
): CardOutcome {
  // Decided above inside this same transaction; if the row did not move, roll the command back.
  const balance = tx
    .stmt(
      `UPDATE cards SET principal = principal + @p, bonus = bonus + @b, moved_at = @now
       WHERE member = @member AND principal + @p >= 0 AND bonus + @b >= 0 RETURNING principal, bonus`,
    )
    .get({ p: delta.principal, b: delta.bonus, now: tx.now, member }) as CardBalance | undefined
  if (!balance) throw new Error(`card ${member} did not take ${JSON.stringify(delta)}`)
  const amount = Math.abs(delta.principal + delta.bonus)
  const base = { memberId: member, currency: a.currency, amount, ...delta, balance, cashier: a.cashier }
  const ev = tx.append(type, a.device, payload(base), { outbox: true })
  const kind = KIND[type]
  tx.stmt(
    `INSERT INTO card_ledger (id, member, kind, principal, bonus, of_entry, method, reference, cashier, approver, device, time, event_seq)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    ev.id,
    member,
    kind,
    delta.principal,
    delta.bonus,
    facts.ofEntry ?? null,
    facts.method ?? null,
    facts.reference ?? null,
    a.cashier,
    facts.approver ?? null,
    a.device,
    ev.time,
    ev.seq,
  )
  touchMember(tx, member)
  const entry: LedgerEntry = { id: ev.id, seq: ev.seq, time: ev.time, kind, amount, ...delta }
  return { ok: true, memberId: member, entry, balance, repeated: false }
}

const KIND = {
  'card.topped_up': 'topup',
  'card.debited': 'debit',
  'card.refunded': 'refund',
  'card.reversed': 'reversal',
  'card.paid_out': 'payout',
} as const

/** A card's balance and currency in one read; null when the member has none. */
export function cardOf(tx: TxContext, member: string): (CardBalance & { currency: string }) | null {
  return (
    (tx.stmt('SELECT principal, bonus, currency FROM cards WHERE member = ?').get(member) as
      (CardBalance & { currency: string }) | undefined) ?? null
  )
}

export function entryOf(
  tx: TxContext,
  id: string,
): { member: string; kind: string; principal: number; bonus: number; time: number } | null {
  return (
    (tx.stmt('SELECT member, kind, principal, bonus, time FROM card_ledger WHERE id = ?').get(id) as
      { member: string; kind: string; principal: number; bonus: number; time: number } | undefined) ?? null
  )
}
