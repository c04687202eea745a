/**
 * What the reference cloud knows to route a card payment made at another store: each
 * member's home store (from its member.created event; a forgotten member is dropped)
 * and each store's merchant (from its retained birth status). The card ledgers
 * themselves arrive as every store's card.* events; the home store stays the authority.
 */
import type Database from 'better-sqlite3'

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS member_homes (
    member TEXT PRIMARY KEY, store TEXT NOT NULL, since INTEGER NOT NULL
  ) WITHOUT ROWID;
  -- Payments a paying store gave up waiting for (its card.remote_abandoned): the home store
  -- is told to take each back (command card-cancel) until it has answered.
  CREATE TABLE IF NOT EXISTS card_cancels (
    from_store TEXT NOT NULL, key TEXT NOT NULL, home TEXT NOT NULL, at INTEGER NOT NULL,
    done_at INTEGER, outcome TEXT,
    PRIMARY KEY (from_store, key)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS store_merchants (
    store TEXT PRIMARY KEY, merchant TEXT NOT NULL
  ) WITHOUT ROWID;
`

/** The homes of members a cloud database held before the table existed. */
const HOMES_BACKFILL = `
  INSERT OR IGNORE INTO member_homes (member, store, since)
  SELECT json_extract(payload, '$.memberId'), store, time FROM events
  WHERE type = 'member.created' AND json_extract(payload, '$.memberId') IS NOT NULL;
  DELETE FROM member_homes WHERE member IN (
    SELECT json_extract(payload, '$.memberId') FROM events WHERE type = 'member.forgotten');
`

export class CloudCards {
  private readonly s

  constructor(private readonly db: Database.Database) {
    const before = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'member_homes'").get()
    db.exec(SCHEMA)
    if (!before) db.exec(HOMES_BACKFILL)
    this.s = {
      home: db.prepare('INSERT INTO member_homes (member, store, since) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      forget: db.prepare('DELETE FROM member_homes WHERE member = ? AND store = ?'),
      homeOf: db.prepare('SELECT store FROM member_homes WHERE member = ?').pluck(),
      merchant: db.prepare(
        'INSERT INTO store_merchants (store, merchant) VALUES (?, ?) ON CONFLICT (store) DO UPDATE SET merchant = excluded.merchant',
      ),
      noMerchant: db.prepare('DELETE FROM store_merchants WHERE store = ?'),
      merchantOf: db.prepare('SELECT merchant FROM store_merchants WHERE store = ?').pluck(),
      status: db.prepare('SELECT status FROM stores WHERE store = ?').pluck(),
      cancel: db.prepare(
        'INSERT INTO card_cancels (from_store, key, home, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      pending: db.prepare(
        'SELECT from_store AS "from", key, home FROM card_cancels WHERE done_at IS NULL ORDER BY at LIMIT 100',
      ),
      cancelled: db.prepare(
        'UPDATE card_cancels SET done_at = ?, outcome = ? WHERE from_store = ? AND key = ? AND done_at IS NULL',
      ),
    }
  }

  /** One stored event of `store` (inside the ingest's transaction). */
  note(store: string, type: string, time: number, payload: Record<string, unknown>): void {
    if (typeof payload.memberId !== 'string') return
    if (type === 'member.created') this.s.home.run(payload.memberId, store, time)
    else if (type === 'member.forgotten') this.s.forget.run(payload.memberId, store)
    else if (type === 'card.remote_abandoned' && typeof payload.key === 'string') {
      const home = this.homeOf(payload.memberId)
      if (home) this.addCancel(store, payload.key, home, time)
    }
  }

  /** The payment under (from, key) is to be taken back at `home`, if it was made there. */
  addCancel(from: string, key: string, home: string, at = Date.now()): void {
    this.s.cancel.run(from, key, home, at)
  }

  /** Payments given up on whose home store has not yet answered the cancel. */
  pendingCancels(): { from: string; key: string; home: string }[] {
    return this.s.pending.all() as { from: string; key: string; home: string }[]
  }

  cancelDone(from: string, key: string, outcome: string): void {
    this.s.cancelled.run(Date.now(), outcome, from, key)
  }

  homeOf(member: string): string | null {
    return (this.s.homeOf.get(member) as string | undefined) ?? null
  }

  /** From a store's birth: the merchant it says it belongs to, or none. */
  setMerchant(store: string, merchant: string | null): void {
    if (merchant === null) this.s.noMerchant.run(store)
    else this.s.merchant.run(store, merchant)
  }

  /** The store's retained status says it is connected (its Last Will clears that when it drops). */
  isOnline(store: string): boolean {
    return this.s.status.get(store) === 'online'
  }

  merchantOf(store: string): string | null {
    return (this.s.merchantOf.get(store) as string | undefined) ?? null
  }
}
