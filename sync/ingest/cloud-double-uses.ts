/**
 * The SQLite cloud's part in telling stores of a voucher redeemed beyond its uses: every
 * store that redeemed it is to hear of it (command double-use), again whenever a further
 * use is found, until that store has answered (sync/ingest/double-use-notices.ts sends).
 */
import type Database from 'better-sqlite3'
import type { PendingDoubleUse, VoucherUse } from './cloud-db.js'

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS double_use_notices (
    voucher_key TEXT NOT NULL, store TEXT NOT NULL, round INTEGER NOT NULL DEFAULT 1,
    raised_at INTEGER NOT NULL, told_at INTEGER, outcome TEXT,
    PRIMARY KEY (voucher_key, store)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS double_use_notices_pending ON double_use_notices (raised_at) WHERE told_at IS NULL;
`

export class CloudDoubleUses {
  private readonly s

  constructor(db: Database.Database) {
    db.exec(SCHEMA)
    this.s = {
      raise: db.prepare(
        `INSERT INTO double_use_notices (voucher_key, store, raised_at)
         SELECT DISTINCT voucher_key, store, @now FROM redemptions WHERE voucher_key = @key
         ON CONFLICT DO UPDATE SET round = round + 1, raised_at = excluded.raised_at, told_at = NULL, outcome = NULL`,
      ),
      pending: db.prepare(
        `SELECT voucher_key AS voucherKey, store, round FROM double_use_notices
         WHERE told_at IS NULL ORDER BY raised_at LIMIT ?`,
      ),
      uses: db.prepare(
        `SELECT r.store, r.seq, r.time, r.voided, e.payload FROM redemptions r
         JOIN events e ON e.store = r.store AND e.seq = r.seq WHERE r.voucher_key = ? ORDER BY r.time, r.store`,
      ),
      told: db.prepare(
        `UPDATE double_use_notices SET told_at = ?, outcome = ?
         WHERE voucher_key = ? AND store = ? AND round = ? AND told_at IS NULL`,
      ),
    }
  }

  /** Inside the batch's transaction: every store that redeemed the voucher is to hear of it (again). */
  raise(voucherKey: string, now: number): void {
    this.s.raise.run({ key: voucherKey, now })
  }

  pending(limit: number): PendingDoubleUse[] {
    return this.s.pending.all(limit) as PendingDoubleUse[]
  }

  usesOf(voucherKey: string): VoucherUse[] {
    const rows = this.s.uses.all(voucherKey) as {
      store: string
      seq: number
      time: number
      voided: number
      payload: string
    }[]
    return rows.map((r) => ({
      store: r.store,
      storeName: null, // a SQLite cloud has no enrolment: the stores name each other from their trust lists
      seq: r.seq,
      time: r.time,
      voided: r.voided === 1,
      payload: JSON.parse(r.payload) as Record<string, unknown>,
    }))
  }

  told(n: PendingDoubleUse, outcome: string, now = Date.now()): void {
    this.s.told.run(now, outcome, n.voucherKey, n.store, n.round)
  }
}
