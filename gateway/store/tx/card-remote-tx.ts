/**
 * Member cards paid from at another store of the same merchant (docs/members.md, "Chains").
 * At the paying store: the home store's answer recorded under the payment's idempotency
 * key (so a retry is answered from it), or — when no answer came in time — the payment
 * given up on, journaled for the cloud, and its key closed. At the home store: the cloud's
 * cancel of a payment given up on, which puts back whatever was taken under its key and
 * closes the key, so an ask that arrives even later can never take it again.
 */
import { remember, replay } from './idempotency.js'
import type { TxContext } from './tx-context.js'
import { entryOf, type CardOutcome, type Move } from './card-tx.js'
import { cardRefundTx, refundedOf } from './card-undo-tx.js'

/** What the home store moved, as the paying store is told. */
export interface RemoteCardMove {
  memberId: string
  homeStore: string
  /** The home store's name, for the cashier and the member (config store.name). */
  homeName: string
  /** The home ledger's entry (the debit's event id there). */
  entryId: string
  amount: number
  principal: number
  bonus: number
  balance: { principal: number; bonus: number }
  currency: string
  repeated: boolean
}

export type RemoteOutcome =
  | { ok: true; move: RemoteCardMove; id: string; seq: number; time: number; repeated: boolean }
  | { ok: false; reason: 'abandoned' | 'idempotency_conflict'; detail: string }

interface Keyed {
  key: string
  requestHash: string
  cashier: string | null
  device: string | null
}

/** What a repeat of `key` is answered with; null when the key is new. */
function prior(tx: TxContext, a: Keyed): RemoteOutcome | null {
  const p = replay<RemoteOutcome>(tx, a.key, a.requestHash)
  if (!p) return null
  if (p.status === 'conflict')
    return {
      ok: false,
      reason: 'idempotency_conflict',
      detail: 'this idempotency key was used for a different request',
    }
  return p.response.ok ? { ...p.response, repeated: true } : p.response
}

export function cardRemoteDebitTx(
  tx: TxContext,
  a: Keyed & { move: RemoteCardMove; reference: string | null },
): RemoteOutcome {
  const first = prior(tx, a)
  if (first) return first
  const m = a.move
  const ev = tx.append(
    'card.remote_debited',
    a.device,
    {
      memberId: m.memberId,
      currency: m.currency,
      amount: m.amount,
      principal: m.principal,
      bonus: m.bonus,
      balance: m.balance,
      cashier: a.cashier,
      homeStore: m.homeStore,
      homeName: m.homeName,
      entryId: m.entryId,
      reference: a.reference,
    },
    { outbox: true },
  )
  const out: RemoteOutcome = { ok: true, move: m, id: ev.id, seq: ev.seq, time: ev.time, repeated: false }
  remember(tx, a.key, a.requestHash, out)
  return out
}

/** No answer in time: the payment is refused here for good (its key closed) and the cloud told to take it back. */
export function cardRemoteAbandonTx(
  tx: TxContext,
  a: Keyed & { sentKey: string; memberId: string; amount: number },
): RemoteOutcome {
  const first = prior(tx, a)
  if (first) return first // an answer came in for a retry of the same payment meanwhile
  tx.append(
    'card.remote_abandoned',
    a.device,
    { memberId: a.memberId, key: a.sentKey, amount: a.amount, cashier: a.cashier },
    { outbox: true },
  )
  const out: RemoteOutcome = {
    ok: false,
    reason: 'abandoned',
    detail: 'the member’s home store did not answer in time; this payment was given up (start a new one)',
  }
  remember(tx, a.key, a.requestHash, out)
  return out
}

/** A refusal from the home store or the cloud, journaled here (not remembered: a retry may succeed). */
export function cardRemoteRefusedTx(
  tx: TxContext,
  a: { memberId: string; amount: number; reason: string; cashier: string | null; device: string | null },
): void {
  tx.append('card.refused', a.device, {
    memberId: a.memberId,
    action: 'debit',
    amount: a.amount,
    reason: a.reason,
    cashier: a.cashier,
  })
}

export type CancelOutcome = { cancelled: 'refunded'; outcome: CardOutcome } | { cancelled: 'nothing'; detail: string }

/** At the home store: takes back what was paid under `debitKey` (if anything) and closes the key. */
export function cardCancelRemoteTx(tx: TxContext, a: Move & { debitKey: string }): CancelOutcome {
  const row = tx.stmt('SELECT response FROM idempotency WHERE key = ?').pluck().get(a.debitKey) as string | undefined
  if (row === undefined) {
    remember(tx, a.debitKey, 'cancelled', { ok: false, reason: 'cancelled', detail: 'the paying store gave up' })
    return { cancelled: 'nothing', detail: 'no payment was made under this key; the key is closed' }
  }
  const first = JSON.parse(row) as CardOutcome
  if (!first.ok) return { cancelled: 'nothing', detail: 'no payment was made under this key' }
  const debit = entryOf(tx, first.entry.id)!
  const refunded = refundedOf(tx, first.entry.id)
  const left = -(debit.principal + debit.bonus) - (refunded.principal + refunded.bonus)
  if (left <= 0) return { cancelled: 'nothing', detail: 'the payment was already refunded' }
  const outcome = cardRefundTx(tx, {
    ...a,
    key: `${a.debitKey}:cancel`,
    requestHash: 'cancel',
    debitId: first.entry.id,
    amount: left,
  })
  return { cancelled: 'refunded', outcome }
}
