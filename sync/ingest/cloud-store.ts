/**
 * The reference cloud's database (SQLite): every store's events exactly once by
 * (store, seq) and only in seq order (a batch past a hole is refused, the store sends
 * again), each store's contiguous high-water mark (what is acknowledged), and the
 * checks only the cloud can make — gaps, and a voucher redeemed beyond its uses across
 * stores. Several ingest processes may share the file (WAL, BEGIN IMMEDIATE).
 */
import Database from 'better-sqlite3'
import type { EventBatch } from '../contract.js'
import { CloudCards } from './cloud-cards.js'
import { CloudDoubleUses } from './cloud-double-uses.js'
import { CLAIM_TTL_MS, type ClaimResult, type DepartureRow, type StoreRow } from './cloud-db.js'
import { decideClaim } from './claim-rule.js'

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    store TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL, time INTEGER NOT NULL,
    device TEXT, payload TEXT NOT NULL, received_at INTEGER NOT NULL,
    arrival INTEGER NOT NULL,                -- order of first arrival, for the order checker
    PRIMARY KEY (store, seq)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS stores (
    store TEXT PRIMARY KEY, contiguous INTEGER NOT NULL DEFAULT 0,
    received INTEGER NOT NULL DEFAULT 0, duplicates INTEGER NOT NULL DEFAULT 0, gaps INTEGER NOT NULL DEFAULT 0,
    status TEXT, status_at INTEGER
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS redemptions (
    voucher_key TEXT NOT NULL, store TEXT NOT NULL, seq INTEGER NOT NULL, redemption_id TEXT NOT NULL UNIQUE,
    time INTEGER NOT NULL, max_uses INTEGER NOT NULL, voided INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (store, seq)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS redemptions_by_voucher ON redemptions (voucher_key);
  CREATE TABLE IF NOT EXISTS alerts (
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL, store TEXT NOT NULL, detail TEXT NOT NULL, time INTEGER NOT NULL
  );
  -- An online check said yes to a store: it will have \`uses\` uses once the one asked for
  -- is made. Held until that many of its redemptions have arrived (or CLAIM_TTL_MS).
  CREATE TABLE IF NOT EXISTS voucher_claims (
    voucher_key TEXT NOT NULL, store TEXT NOT NULL, at INTEGER NOT NULL, uses INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (voucher_key, store)
  ) WITHOUT ROWID;
  -- The closed pipe's departures: per issuing store, hour, redeeming store and campaign, its
  -- vouchers redeemed elsewhere (voids taken back) and their worth, kept as batches are stored.
  CREATE TABLE IF NOT EXISTS departures (
    issuer TEXT NOT NULL, hour INTEGER NOT NULL, redeemer TEXT NOT NULL, campaign INTEGER NOT NULL,
    used INTEGER NOT NULL, value INTEGER NOT NULL,
    PRIMARY KEY (issuer, hour, redeemer, campaign)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS meta (id INTEGER PRIMARY KEY CHECK (id = 1), arrivals INTEGER NOT NULL);
  INSERT OR IGNORE INTO meta (id, arrivals) VALUES (1, 0);
`

const HOUR_MS = 3_600_000

/** Counts the departures of the events a cloud database held before the table existed (voids taken back). */
const DEPARTURES_BACKFILL = `
  INSERT INTO departures (issuer, hour, redeemer, campaign, used, value)
  SELECT json_extract(e.payload, '$.issuerStore'), e.time / ${HOUR_MS}, e.store, json_extract(e.payload, '$.campaign'),
         count(*), coalesce(sum(json_extract(e.payload, '$.value.amount')), 0)
  FROM redemptions r JOIN events e ON e.store = r.store AND e.seq = r.seq
  WHERE r.voided = 0 AND json_extract(e.payload, '$.issuerStore') IS NOT NULL
    AND json_extract(e.payload, '$.issuerStore') != e.store
  GROUP BY 1, 2, 3, 4`

/** One batch's outcome (SqliteCloudDb turns a store's batches into the contract's IngestResult). */
export interface BatchResult {
  store: string
  /** What to acknowledge: the highest seq held contiguously from 1. */
  contiguous: number
  inserted: number
  duplicates: number
  /** Issuing stores whose vouchers this batch shows redeemed (or voided) at another store. */
  departures: string[]
  /** The batch started past the contiguous mark: an earlier batch was lost. It is refused whole (so events are stored in seq order only) and the store is asked to send again. */
  gap: boolean
  alerts: { kind: string; detail: string }[]
}

export class CloudStore {
  readonly db: Database.Database
  /** Where each member's card lives and which merchant each store belongs to. */
  readonly cards: CloudCards
  readonly doubleUses: CloudDoubleUses
  private readonly ingestTx: Database.Transaction<(batch: EventBatch) => BatchResult>
  private readonly claimTx: Database.Transaction<
    (store: string, voucherKey: string, maxUses: number, localUses: number, now: number) => ClaimResult
  >

  /**
   * @param cacheKiB SQLite's page cache for this connection. better-sqlite3 builds SQLite
   * with a 16 MB default; the ingest embedded in a store's gateway only appends, so it asks
   * for 2 MB (issue #22: the cache filling up was a steady climb in the gateway's memory).
   */
  constructor(file: string, cacheKiB = 16_000) {
    this.db = new Database(file)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = FULL') // an ack promises the events are on disk
    this.db.pragma('busy_timeout = 10000')
    this.db.pragma(`cache_size = -${cacheKiB}`)
    const before = this.db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'departures'").get()
    this.db.exec(SCHEMA)
    if (!before) this.db.exec(DEPARTURES_BACKFILL) // a cloud database from before the table: count what it holds
    // Cloud databases from before claims counted uses (issue #13): one use each.
    const claimColumns = this.db
      .prepare("SELECT name FROM pragma_table_info('voucher_claims')")
      .pluck()
      .all() as string[]
    if (!claimColumns.includes('uses'))
      this.db.exec('ALTER TABLE voucher_claims ADD COLUMN uses INTEGER NOT NULL DEFAULT 1')
    this.cards = new CloudCards(this.db)
    this.doubleUses = new CloudDoubleUses(this.db)
    const s = {
      store: this.db.prepare('INSERT INTO stores (store) VALUES (?) ON CONFLICT DO NOTHING'),
      mark: this.db.prepare('SELECT contiguous FROM stores WHERE store = ?').pluck(),
      arrivals: this.db.prepare('UPDATE meta SET arrivals = arrivals + ? WHERE id = 1 RETURNING arrivals'),
      insert: this.db.prepare(
        'INSERT INTO events (store, seq, id, type, time, device, payload, received_at, arrival) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      update: this.db.prepare(
        'UPDATE stores SET contiguous = ?, received = received + ?, duplicates = duplicates + ?, gaps = gaps + ? WHERE store = ?',
      ),
      redemption: this.db.prepare(
        'INSERT INTO redemptions (voucher_key, store, seq, redemption_id, time, max_uses) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      voided: this.db.prepare('UPDATE redemptions SET voided = 1 WHERE redemption_id = ? AND voided = 0'),
      redeemedEvent: this.db.prepare(
        'SELECT e.store, e.time, e.payload FROM redemptions r JOIN events e ON e.store = r.store AND e.seq = r.seq WHERE r.redemption_id = ?',
      ),
      departure: this.db.prepare(
        'INSERT INTO departures (issuer, hour, redeemer, campaign, used, value) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET used = used + excluded.used, value = value + excluded.value',
      ),
      uses: this.db.prepare('SELECT store, seq FROM redemptions WHERE voucher_key = ? AND voided = 0 ORDER BY time'),
      alert: this.db.prepare('INSERT INTO alerts (kind, store, detail, time) VALUES (?, ?, ?, ?)'),
      // A claim is done with once the store's arrived uses reach it.
      unclaim: this.db.prepare(
        'DELETE FROM voucher_claims WHERE voucher_key = @key AND store = @store AND uses <= (SELECT count(*) FROM redemptions WHERE voucher_key = @key AND store = @store AND voided = 0)',
      ),
      usedAt: this.db.prepare('SELECT store, time FROM redemptions WHERE voucher_key = ? AND voided = 0 ORDER BY time'),
      claims: this.db.prepare('SELECT store, uses FROM voucher_claims WHERE voucher_key = ? AND at > ?'),
      claim: this.db.prepare(
        'INSERT INTO voucher_claims (voucher_key, store, at, uses) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET at = excluded.at, uses = excluded.uses',
      ),
    }
    this.ingestTx = this.db.transaction((batch: EventBatch): BatchResult => {
      const { store, events } = batch
      s.store.run(store)
      const mark = s.mark.get(store) as number
      if (events[0]!.seq > mark + 1) {
        s.update.run(mark, 0, 0, 1, store)
        return { store, contiguous: mark, inserted: 0, duplicates: 0, gap: true, alerts: [], departures: [] }
      }
      const now = Date.now()
      let arrival = (s.arrivals.get(events.length) as { arrivals: number }).arrivals - events.length
      let inserted = 0
      const alerts: BatchResult['alerts'] = []
      const departures = new Set<string>()
      /** A voucher of another store redeemed here (+1) or its redemption voided (-1). */
      const depart = (redeemer: string, time: number, p: Record<string, unknown>, sign: 1 | -1) => {
        const issuer = p.issuerStore
        if (typeof issuer !== 'string' || issuer === redeemer || !Number.isSafeInteger(p.campaign)) return
        const value = p.value as { amount?: unknown } | undefined
        const amount = Number.isSafeInteger(value?.amount) ? (value!.amount as number) : 0
        s.departure.run(issuer, Math.floor(time / HOUR_MS), redeemer, p.campaign, sign, sign * amount)
        departures.add(issuer)
      }
      for (const e of events) {
        if (
          s.insert.run(store, e.seq, e.id, e.type, e.time, e.device, JSON.stringify(e.payload), now, ++arrival)
            .changes === 0
        )
          continue
        inserted++
        const p = e.payload as Record<string, unknown>
        this.cards.note(store, e.type, e.time, p)
        if (e.type === 'voucher.redeemed' && typeof p.voucherKey === 'string') {
          s.redemption.run(p.voucherKey, store, e.seq, e.id, e.time, Number(p.maxUses) || 1)
          depart(store, e.time, p, 1)
          s.unclaim.run({ key: p.voucherKey, store })
          const live = s.uses.all(p.voucherKey) as { store: string; seq: number }[]
          if (live.length > (Number(p.maxUses) || 1)) {
            const detail = `voucher ${p.voucherKey} redeemed ${live.length}× (allowed ${Number(p.maxUses) || 1}): ${live.map((u) => `${u.store}#${u.seq}`).join(', ')}`
            s.alert.run('double_redemption', store, detail, now)
            this.doubleUses.raise(p.voucherKey, now)
            alerts.push({ kind: 'double_redemption', detail })
          }
        } else if (e.type === 'voucher.voided' && typeof p.redemptionId === 'string') {
          const redeemed = s.redeemedEvent.get(p.redemptionId) as
            { store: string; time: number; payload: string } | undefined
          if (s.voided.run(p.redemptionId).changes === 1 && redeemed)
            depart(redeemed.store, redeemed.time, JSON.parse(redeemed.payload) as Record<string, unknown>, -1)
        }
      }
      // Events are only ever stored from contiguous + 1 on, so the mark is the batch's end.
      const contiguous = Math.max(mark, events.at(-1)!.seq)
      const duplicates = events.length - inserted
      s.update.run(contiguous, inserted, duplicates, 0, store)
      return { store, contiguous, inserted, duplicates, gap: false, alerts, departures: [...departures] }
    })
    this.claimTx = this.db.transaction(
      (store: string, voucherKey: string, maxUses: number, localUses: number, now: number): ClaimResult => {
        const used = s.usedAt.all(voucherKey) as { store: string; time: number }[]
        const claims = new Map(
          (s.claims.all(voucherKey, now - CLAIM_TTL_MS) as { store: string; uses: number }[]).map((c) => [
            c.store,
            c.uses,
          ]),
        )
        const { claimUses, ...decision } = decideClaim(store, used, claims, maxUses, localUses)
        if (decision.ok) s.claim.run(voucherKey, store, now, claimUses)
        return decision
      },
    )
  }

  /** Stores a batch (idempotently) and returns what to acknowledge. */
  ingest(batch: EventBatch): BatchResult {
    return this.ingestTx.immediate(batch)
  }

  /**
   * An online check: yes (and a claim held for `store`) while the other stores' uses
   * (arrived, or claimed and not yet arrived) plus the asking store's own (arrived, or its
   * `localUses` — its own redemptions may still be on their way) leave a use. Counting the
   * asker's local uses keeps local + remote within maxUses whatever the sync lag (issue #13).
   */
  claimVoucher(store: string, voucherKey: string, maxUses: number, localUses = 0, now = Date.now()): ClaimResult {
    return this.claimTx.immediate(store, voucherKey, maxUses, localUses, now)
  }

  /** An issuer's vouchers redeemed at other stores since `since` (ms), per redeeming store and campaign. */
  departures(issuer: string, since: number): DepartureRow[] {
    return this.db
      .prepare(
        `SELECT redeemer, campaign, sum(used) AS used, sum(value) AS value FROM departures
         WHERE issuer = ? AND hour >= ? GROUP BY redeemer, campaign HAVING sum(used) > 0 ORDER BY used DESC, redeemer`,
      )
      .all(issuer, Math.floor(since / HOUR_MS)) as DepartureRow[]
  }

  setStatus(store: string, status: string): void {
    this.db
      .prepare(
        'INSERT INTO stores (store, status, status_at) VALUES (?, ?, ?) ON CONFLICT (store) DO UPDATE SET status = excluded.status, status_at = excluded.status_at',
      )
      .run(store, status, Date.now())
  }

  stores(): StoreRow[] {
    return this.db
      .prepare('SELECT store, contiguous, received, duplicates, gaps, status FROM stores ORDER BY store')
      .all() as StoreRow[]
  }

  close(): void {
    this.db.close()
  }
}
