/** Voucher reads: live uses, and the latest outcomes as the till shows them again after a restart. */
import type { EventPayloads } from '../event-contract.js'
import type { ReadSource } from './read-source.js'

interface EventRow<T extends 'voucher.redeemed' | 'voucher.rejected'> {
  seq: number
  id: string
  time: number
  device: string | null
  type: T
  payload: EventPayloads[T]
}
export type OutcomeEvent = EventRow<'voucher.redeemed'> | EventRow<'voucher.rejected'>

export class VoucherReads {
  constructor(private readonly db: ReadSource) {}

  /** Live local uses of a voucher (voids given back). */
  usesOf(voucherKey: string): number {
    return (
      (this.db.query('SELECT uses FROM voucher_uses WHERE voucher_key = ?').pluck().get(voucherKey) as
        number | undefined) ?? 0
    )
  }

  /** The latest redemptions and refusals, newest first. */
  recentOutcomes(limit: number): OutcomeEvent[] {
    const rows = this.db
      .query(
        "SELECT seq, id, time, device, type, payload FROM events WHERE type IN ('voucher.redeemed', 'voucher.rejected') ORDER BY seq DESC LIMIT ?",
      )
      .all(limit) as (Omit<OutcomeEvent, 'payload'> & { payload: string })[]
    return rows.map((r) => {
      const payload = JSON.parse(r.payload) as OutcomeEvent['payload'] & { key?: string }
      // Refusals journaled before contract v1 named the voucher `key`.
      if (r.type === 'voucher.rejected' && payload.voucherKey === undefined && payload.key !== undefined)
        payload.voucherKey = payload.key
      return { ...r, payload } as OutcomeEvent
    })
  }

  /** The latest live redemption of a voucher here: when and at which store. */
  lastRedemption(voucherKey: string): { time: number; store: string } | null {
    return (
      (this.db
        .query(
          'SELECT time, store FROM redemptions WHERE voucher_key = ? AND voided_at IS NULL ORDER BY time DESC LIMIT 1',
        )
        .get(voucherKey) as { time: number; store: string } | undefined) ?? null
    )
  }

  isVoided(redemptionId: string): boolean {
    return this.db.query('SELECT voided_at FROM redemptions WHERE id = ?').pluck().get(redemptionId) != null
  }
}
