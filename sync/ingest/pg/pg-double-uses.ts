/** Telling stores of their double uses (cloud-db.ts CloudDoubleUsesDb) in the PostgreSQL cloud. */
import type pg from 'pg'
import type { CloudDoubleUsesDb, PendingDoubleUse, VoucherUse } from '../cloud-db.js'

/** Inside the batch's transaction: every store that redeemed these vouchers is to hear of them (again). */
export async function raiseDoubleUses(client: pg.PoolClient, voucherKeys: string[], now: number): Promise<void> {
  await client.query(
    `INSERT INTO double_use_notices (voucher_key, store, raised_at)
     SELECT DISTINCT voucher_key, store, $2::bigint FROM redemptions WHERE voucher_key = ANY($1)
     ON CONFLICT (voucher_key, store) DO UPDATE SET round = double_use_notices.round + 1,
       raised_at = excluded.raised_at, told_at = NULL, outcome = NULL`,
    [voucherKeys, now],
  )
}

export class PgDoubleUses implements CloudDoubleUsesDb {
  constructor(private readonly pool: pg.Pool) {}

  async pending(limit: number): Promise<PendingDoubleUse[]> {
    const r = await this.pool.query<PendingDoubleUse>(
      `SELECT voucher_key AS "voucherKey", store, round FROM double_use_notices
       WHERE told_at IS NULL ORDER BY raised_at LIMIT $1`,
      [limit],
    )
    return r.rows
  }

  /** The events' key includes their time, so each redemption's event is found in its own partition. */
  async usesOf(voucherKey: string): Promise<VoucherUse[]> {
    const r = await this.pool.query<{
      store: string
      name: string | null
      seq: string
      time: string
      voided: boolean
      payload: Record<string, unknown>
    }>(
      `SELECT r.store, s.name, r.seq, r.time, r.voided_at IS NOT NULL AS voided, e.payload
       FROM redemptions r
       JOIN events e ON e.store = r.store AND e.seq = r.seq AND e.time = r.time
       LEFT JOIN stores s ON s.store = r.store
       WHERE r.voucher_key = $1 ORDER BY r.time, r.store`,
      [voucherKey],
    )
    return r.rows.map((x) => ({
      store: x.store,
      storeName: x.name,
      seq: Number(x.seq),
      time: Number(x.time),
      voided: x.voided,
      payload: x.payload,
    }))
  }

  async told(n: PendingDoubleUse, outcome: string): Promise<void> {
    await this.pool.query(
      `UPDATE double_use_notices SET told_at = $1, outcome = $2
       WHERE voucher_key = $3 AND store = $4 AND round = $5 AND told_at IS NULL`,
      [Date.now(), outcome, n.voucherKey, n.store, n.round],
    )
  }
}
