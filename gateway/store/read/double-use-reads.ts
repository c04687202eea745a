/** Double uses across stores the cloud told this store of (command double-use), for the back office. */
import type { ReadSource } from './read-source.js'

export interface DoubleUseRow {
  voucherKey: string
  detectedAt: number
  body: string
  handledAt: number | null
  handledBy: string | null
}

const COLUMNS =
  'voucher_key AS voucherKey, detected_at AS detectedAt, body, handled_at AS handledAt, handled_by AS handledBy'

export class DoubleUseReads {
  constructor(private readonly db: ReadSource) {}

  /** Open ones first (newest first), then those handled since `handledSince`. */
  list(handledSince: number, limit: number): DoubleUseRow[] {
    return this.db
      .query(
        `SELECT ${COLUMNS} FROM double_uses WHERE handled_at IS NULL OR handled_at >= ?
         ORDER BY handled_at IS NOT NULL, detected_at DESC LIMIT ?`,
      )
      .all(handledSince, limit) as DoubleUseRow[]
  }

  of(voucherKey: string): DoubleUseRow | null {
    return (
      (this.db.query(`SELECT ${COLUMNS} FROM double_uses WHERE voucher_key = ?`).get(voucherKey) as
        DoubleUseRow | undefined) ?? null
    )
  }

  /** Not yet handled: the overview's alarm, and since when the oldest waits. */
  open(): { count: number; since: number | null } {
    return this.db
      .query('SELECT count(*) AS count, min(detected_at) AS since FROM double_uses WHERE handled_at IS NULL')
      .get() as { count: number; since: number | null }
  }
}
