/** Stored-value card reads: the balance, the statement, and the ledger check. */
import type { CardBalance } from '../tx/card-tx.js'
import type { ReadSource } from './read-source.js'

export interface StatementLine {
  id: string
  kind: 'topup' | 'debit' | 'refund' | 'reversal' | 'payout'
  principal: number
  bonus: number
  time: number
  seq: number
  /** The debit a refund returns, the top-up a reversal takes back. */
  ofEntry: string | null
  method: string | null
  reference: string | null
  cashier: string | null
  approver: string | null
  device: string | null
}

export interface CardView extends CardBalance {
  currency: string
  openedAt: number
  movedAt: number
}

const LINE = `id, kind, principal, bonus, time, event_seq AS seq, of_entry AS ofEntry, method, reference,
  cashier, approver, device`

export class CardReads {
  constructor(private readonly db: ReadSource) {}

  card(member: string): CardView | null {
    return (
      (this.db
        .query(
          'SELECT principal, bonus, currency, opened_at AS openedAt, moved_at AS movedAt FROM cards WHERE member = ?',
        )
        .get(member) as CardView | undefined) ?? null
    )
  }

  /** Newest first; `beforeSeq` pages back. */
  statement(member: string, limit: number, beforeSeq = Number.MAX_SAFE_INTEGER): StatementLine[] {
    return this.db
      .query(`SELECT ${LINE} FROM card_ledger WHERE member = ? AND event_seq < ? ORDER BY event_seq DESC LIMIT ?`)
      .all(member, beforeSeq, limit) as StatementLine[]
  }

  /** Cards whose maintained balance is not their ledger's sum: always none, or something wrote past the writer. */
  mismatches(): { member: string; principal: number; bonus: number; ledgerPrincipal: number; ledgerBonus: number }[] {
    return this.db
      .query(
        `SELECT c.member, c.principal, c.bonus, coalesce(l.p, 0) AS ledgerPrincipal, coalesce(l.b, 0) AS ledgerBonus
         FROM cards c LEFT JOIN (SELECT member, sum(principal) AS p, sum(bonus) AS b FROM card_ledger GROUP BY member) l
           ON l.member = c.member
         WHERE c.principal != coalesce(l.p, 0) OR c.bonus != coalesce(l.b, 0)`,
      )
      .all() as { member: string; principal: number; bonus: number; ledgerPrincipal: number; ledgerBonus: number }[]
  }

  /** What every card holds together: the money the store owes its members (a liability), by currency. */
  held(): { currency: string; cards: number; principal: number; bonus: number }[] {
    return this.db
      .query(
        `SELECT currency, count(*) AS cards, sum(principal) AS principal, sum(bonus) AS bonus
         FROM cards WHERE principal + bonus > 0 GROUP BY currency`,
      )
      .all() as { currency: string; cards: number; principal: number; bonus: number }[]
  }
}
