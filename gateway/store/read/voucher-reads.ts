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

export interface IssuedRow {
  member: string | null
  expiresHour: number
  channel: string
  device: string | null
  issuedAt: number
}

export interface RedemptionRow {
  id: string
  store: string
  device: string | null
  cashier: string | null
  time: number
  voidedAt: number | null
  voidedBy: string | null
}

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

  /** The voucher's issue, when this store issued it. */
  issued(kid: number, campaign: number, serial: number): IssuedRow | null {
    return (
      (this.db
        .query(
          'SELECT member, expires_hour AS expiresHour, channel, device, issued_at AS issuedAt FROM vouchers_issued WHERE kid = ? AND campaign = ? AND serial = ?',
        )
        .get(kid, campaign, serial) as IssuedRow | undefined) ?? null
    )
  }

  /** Every redemption of a voucher recorded here, voided ones included, oldest first. */
  redemptions(voucherKey: string): RedemptionRow[] {
    return this.db
      .query(
        'SELECT id, store, device, cashier, time, voided_at AS voidedAt, voided_by AS voidedBy FROM redemptions WHERE voucher_key = ? ORDER BY time',
      )
      .all(voucherKey) as RedemptionRow[]
  }

  /** Vouchers issued here, per campaign, that expired in [fromHour, beforeHour) without ever being used. */
  expiredUnused(fromHour: number, beforeHour: number): Record<number, number> {
    const rows = this.db
      .query(
        `SELECT campaign, count(*) AS n FROM vouchers_issued v WHERE expires_hour >= ? AND expires_hour < ?
           AND NOT EXISTS (SELECT 1 FROM redemptions r WHERE r.voucher_key = v.kid || ':' || v.campaign || ':' || v.serial)
         GROUP BY campaign`,
      )
      .all(fromHour, beforeHour) as { campaign: number; n: number }[]
    return Object.fromEntries(rows.map((r) => [r.campaign, r.n]))
  }
}
