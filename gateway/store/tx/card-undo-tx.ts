/**
 * Card movements that put money back or take it back, run by the journal writer with the
 * same rules as card-tx.ts: a refund of a card payment (in the payment's own split), a
 * manager's reversal of a top-up, and a payout that closes a card.
 */
import type { TxContext } from './tx-context.js'
import { cardOf, entryOf, move, once, refused, type CardBalance, type CardOutcome, type Move } from './card-tx.js'

export interface ReverseArgs extends Move {
  topUpId: string
  approver: string
  windowMs: number
}
export interface PayOutArgs extends Move {
  member: string
  approver: string
}
export interface RefundArgs extends Move {
  debitId: string
  amount: number
}
/** What has been put back of a card payment so far, as it was split. */
export function refundedOf(tx: TxContext, debitId: string): CardBalance {
  return tx
    .stmt(
      "SELECT coalesce(sum(principal), 0) AS principal, coalesce(sum(bonus), 0) AS bonus FROM card_ledger WHERE of_entry = ? AND kind = 'refund'",
    )
    .get(debitId) as CardBalance
}

export function cardRefundTx(tx: TxContext, a: RefundArgs): CardOutcome {
  const debit = entryOf(tx, a.debitId)
  const member = debit?.member ?? '-'
  return once(tx, a, 'refund', member, a.amount, () => {
    if (!debit || debit.kind !== 'debit') return refused('unknown_entry', `no card payment ${a.debitId}`)
    if (cardOf(tx, member)?.currency !== a.currency)
      return refused('wrong_currency', `the card does not hold ${a.currency}`)
    const paid = -(debit.principal + debit.bonus)
    const done = refundedOf(tx, a.debitId)
    const after = done.principal + done.bonus + a.amount
    if (after > paid)
      return refused(
        'refund_exceeds_debit',
        `the payment was ${paid} and ${done.principal + done.bonus} of it is already refunded`,
        cardOf(tx, member),
      )
    // Back in the payment's own split: the running total's share, so partial refunds add up exactly.
    const principal = Number((BigInt(after) * BigInt(-debit.principal)) / BigInt(paid)) - done.principal
    const delta = { principal, bonus: a.amount - principal }
    return move(tx, a, member, 'card.refunded', delta, (base) => ({ ...base, debitId: a.debitId }), {
      ofEntry: a.debitId,
    })
  })
}

export function cardReverseTx(tx: TxContext, a: ReverseArgs): CardOutcome {
  const topUp = entryOf(tx, a.topUpId)
  const member = topUp?.member ?? '-'
  const amount = topUp ? topUp.principal + topUp.bonus : 0
  return once(tx, a, 'reverse', member, amount, () => {
    if (!topUp || topUp.kind !== 'topup') return refused('unknown_entry', `no top-up ${a.topUpId}`)
    const before = cardOf(tx, member)!
    if (tx.stmt("SELECT 1 FROM card_ledger WHERE of_entry = ? AND kind = 'reversal'").get(a.topUpId))
      return refused('already_reversed', 'this top-up was already reversed', before)
    if (tx.now - topUp.time > a.windowMs)
      return refused('reversal_window_passed', `a top-up can be reversed for ${a.windowMs / 60_000} minutes`, before)
    if (before.principal < topUp.principal || before.bonus < topUp.bonus)
      return refused('balance_spent', 'part of this top-up has been spent; refund the payments first', before)
    const delta = { principal: -topUp.principal, bonus: -topUp.bonus }
    const facts = { ofEntry: a.topUpId, approver: a.approver }
    return move(
      tx,
      a,
      member,
      'card.reversed',
      delta,
      (base) => ({ ...base, topUpId: a.topUpId, approver: a.approver }),
      facts,
    )
  })
}

/** Closes a card: the principal is handed back (cash), the bonus — a gift — is forfeited; the card is left at zero. */
export function cardPayOutTx(tx: TxContext, a: PayOutArgs): CardOutcome {
  const before = cardOf(tx, a.member)
  const amount = before ? before.principal + before.bonus : 0
  return once(tx, a, 'payout', a.member, amount, () => {
    if (!before || amount === 0) return refused('no_card', 'this card holds nothing to pay out', before)
    const delta = { principal: -before.principal, bonus: -before.bonus }
    const facts = { approver: a.approver }
    return move(
      tx,
      a,
      a.member,
      'card.paid_out',
      delta,
      (base) => ({ ...base, paidOut: before.principal, forfeited: before.bonus, approver: a.approver }),
      facts,
    )
  })
}
