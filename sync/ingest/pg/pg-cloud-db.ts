/**
 * The cloud contract (cloud-db.ts) on PostgreSQL: what a chain runs, several ingest
 * workers on several machines over one database (docs/cloud.md). Batches from many
 * stores go in one transaction (pg-ingest.ts); a store's row lock orders its batches
 * across workers, batches ahead of a hole are parked for whoever fills it, and NOTIFY
 * tells the other workers whose marks moved. Stores must be enrolled (`tillside cloud enroll`) unless
 * the cloud takes any store (`anyStore`, for development).
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { Logger } from '../../../gateway/log.js'
import {
  CLAIM_TTL_MS,
  emptyResult,
  type ClaimResult,
  type CloudDb,
  type DepartureRow,
  type IngestBatch,
  type IngestResult,
  type StoreRow,
} from '../cloud-db.js'
import { decideClaim } from '../claim-rule.js'
import { HOUR_MS } from './event-rows.js'
import { PgCloudCards } from './pg-cards.js'
import { PgDoubleUses } from './pg-double-uses.js'
import { ingestTx, PROGRESS_CHANNEL } from './pg-ingest.js'
import { settleLateIssues } from './derived.js'
import { Rollup } from './rollup.js'
import { Partitions } from './pg-partitions.js'
import { migrate } from './pg-schema.js'
import { createPool, inTransaction, withClient } from './pg-client.js'
import { ZoneDays } from './zone-days.js'

/** How often a worker settles redemptions still waiting for an issue that has arrived (a settle lost to a failure). */
const SWEEP_EVERY_MS = 60_000

// bigint columns and counts are ms times and counts well inside 2^53: numbers, not strings.
pg.types.setTypeParser(20, (v) => Number(v))

export interface PgCloudOptions {
  url: string
  /** Connections: the ingest's transactions in flight, plus online checks and card routing. */
  poolSize?: number
  /** Take batches from any store, enrolling it on sight (a development cloud). */
  anyStore?: boolean
  /**
   * The IANA zone the chain's days are counted in (roll-ups, reports). Set once, when the
   * database is new (UTC unless given); a worker given another one refuses to start.
   */
  timeZone?: string
}

/** How often the merchants of stores are read again, for events that do not name theirs (ms). */
const MERCHANTS_EVERY_MS = 10_000

/** SQLSTATE classes of data the database will not hold (22: data exception, 23: integrity): one store's fault. */
const isBadData = (err: unknown) => /^2[23]/.test((err as { code?: string }).code ?? '')

export class PgCloudDb implements CloudDb {
  readonly kind = 'postgres'
  readonly cards: PgCloudCards
  readonly doubleUses: PgDoubleUses
  private readonly pool: pg.Pool
  private readonly partitions: Partitions
  private merchants: { map: Map<string, string>; at: number } = { map: new Map(), at: 0 }
  private listener: pg.Client | null = null
  private closed = false
  private sweep: NodeJS.Timeout | null = null
  /** Names this process in its NOTIFYs, so it does not wake itself. */
  private readonly worker = randomBytes(6).toString('hex')
  /** The chain's days (set by open from the database's setting). */
  days = new ZoneDays('UTC')

  private constructor(
    private readonly opts: PgCloudOptions,
    private readonly log: Logger,
  ) {
    this.pool = createPool(opts.url, opts.poolSize ?? 10, log)
    this.partitions = new Partitions(this.pool)
    this.cards = new PgCloudCards(this.pool)
    this.doubleUses = new PgDoubleUses(this.pool)
  }

  /** Connects and brings the schema up to date (migrations under a lock: workers may start together). */
  static async open(opts: PgCloudOptions, log: Logger): Promise<PgCloudDb> {
    const db = new PgCloudDb(opts, log)
    try {
      await migrate(db.pool)
      db.days = new ZoneDays(await db.timeZoneSetting(opts.timeZone))
    } catch (err) {
      await db.pool.end()
      throw err
    }
    db.sweep = setInterval(() => void db.settleLateIssues(null), SWEEP_EVERY_MS)
    db.sweep.unref()
    return db
  }

  /** The database's zone; the given one is written when there is none yet, and must match otherwise. */
  private async timeZoneSetting(given: string | undefined): Promise<string> {
    if (given !== undefined) new ZoneDays(given) // throws RangeError for an unknown zone
    await this.pool.query("INSERT INTO cloud_settings (key, value) VALUES ('time_zone', $1) ON CONFLICT DO NOTHING", [
      given ?? 'UTC',
    ])
    const r = await this.pool.query<{ value: string }>("SELECT value FROM cloud_settings WHERE key = 'time_zone'")
    const zone = r.rows[0]!.value
    if (given !== undefined && given !== zone)
      throw new Error(`this cloud database counts days in ${zone}, not ${given} (it is set when the database is new)`)
    return zone
  }

  async ingest(batches: IngestBatch[], absorb: string[] = []): Promise<IngestResult[]> {
    const stores = [...new Set([...batches.map((b) => b.store), ...absorb])]
    if (this.opts.anyStore)
      await this.pool.query(
        'INSERT INTO stores (store, enrolled_at) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING',
        [stores, Date.now()],
      )
    await this.partitions.ensure(batches)
    const merchants = await this.merchantMap()
    const settle: string[] = []
    try {
      const results = await withClient(this.pool, (c) =>
        ingestTx(c, batches, absorb, merchants, this.dayOf, this.worker, settle),
      )
      await this.settleLateIssues(settle)
      return results
    } catch (err) {
      if (!isBadData(err) || stores.length === 1) {
        if (isBadData(err)) return [refusedResult(stores[0]!, err)]
        throw err
      }
      // One store's data spoiled the transaction: each store alone, so the others go in.
      const results: IngestResult[] = []
      for (const store of stores) {
        const own = batches.filter((b) => b.store === store)
        try {
          results.push(
            ...(await withClient(this.pool, (c) =>
              ingestTx(c, own, absorb.includes(store) ? [store] : [], merchants, this.dayOf, this.worker, settle),
            )),
          )
          await this.settleLateIssues(settle.splice(0))
        } catch (e) {
          if (!isBadData(e)) throw e
          this.log.warn({ store, err: (e as Error).message }, 'batches the database will not hold')
          results.push(refusedResult(store, e))
        }
      }
      return results
    }
  }

  private readonly dayOf = (time: number) => this.days.dayOf(time)

  /**
   * After COMMIT: redemptions of these vouchers that did not see their issue (stored by
   * another transaction at the same moment) get their issue-to-redeem days. Whichever of
   * the two transactions commits last sees both here. `null`: every redemption still
   * waiting (the minutely sweep, for a settle lost to a failure). Never fails the ingest.
   */
  async settleLateIssues(keys: string[] | null): Promise<void> {
    if (keys !== null && keys.length === 0) return
    try {
      // The settled rows and their days together, or neither.
      await inTransaction(this.pool, async (c) => {
        const rollup = new Rollup(this.dayOf)
        if ((await settleLateIssues(c, keys, rollup)) > 0) await rollup.write(c)
      })
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'late issues not settled; the next sweep will')
    }
  }

  private async merchantMap(): Promise<Map<string, string>> {
    if (Date.now() - this.merchants.at > MERCHANTS_EVERY_MS) {
      const r = await this.pool.query<{ store: string; merchant: string }>(
        'SELECT store, merchant FROM stores WHERE merchant IS NOT NULL',
      )
      this.merchants = { map: new Map(r.rows.map((x) => [x.store, x.merchant])), at: Date.now() }
    }
    return this.merchants.map
  }

  async claimVoucher(store: string, voucherKey: string, maxUses: number, localUses = 0): Promise<ClaimResult> {
    return inTransaction(this.pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [voucherKey])
      const now = Date.now()
      const used = await c.query<{ store: string; time: number }>(
        'SELECT store, time FROM redemptions WHERE voucher_key = $1 AND voided_at IS NULL ORDER BY time',
        [voucherKey],
      )
      const claims = await c.query<{ store: string; uses: number }>(
        'SELECT store, uses FROM voucher_claims WHERE voucher_key = $1 AND at > $2',
        [voucherKey, now - CLAIM_TTL_MS],
      )
      const claimMap = new Map(claims.rows.map((x) => [x.store, x.uses]))
      const { claimUses, ...decision } = decideClaim(store, used.rows, claimMap, maxUses, localUses)
      if (decision.ok)
        await c.query(
          `INSERT INTO voucher_claims (voucher_key, store, at, uses) VALUES ($1, $2, $3, $4)
           ON CONFLICT (voucher_key, store) DO UPDATE SET at = excluded.at, uses = excluded.uses`,
          [voucherKey, store, now, claimUses],
        )
      return decision
    })
  }

  async departures(issuer: string, since: number): Promise<DepartureRow[]> {
    const r = await this.pool.query<DepartureRow>(
      `SELECT redeemer, campaign, sum(used)::bigint AS used, sum(value)::bigint AS value FROM departures
       WHERE issuer = $1 AND hour >= $2 GROUP BY redeemer, campaign HAVING sum(used) > 0
       ORDER BY used DESC, redeemer`,
      [issuer, Math.floor(since / HOUR_MS)],
    )
    return r.rows
  }

  async setStatus(
    store: string,
    state: 'online' | 'offline',
    merchant?: string | null,
    lastSeq?: number,
  ): Promise<void> {
    await this.pool.query(
      `INSERT INTO stores (store, status, status_at, merchant, birth_last_seq) VALUES ($1, $2, $3, $4, $6)
       ON CONFLICT (store) DO UPDATE SET status = excluded.status, status_at = excluded.status_at,
         merchant = CASE WHEN $5 THEN excluded.merchant ELSE stores.merchant END,
         birth_last_seq = coalesce(excluded.birth_last_seq, stores.birth_last_seq)`,
      [store, state, Date.now(), merchant ?? null, merchant !== undefined, lastSeq ?? null],
    )
    if (merchant !== undefined) this.merchants.at = 0
  }

  async knownStores(): Promise<Set<string> | null> {
    if (this.opts.anyStore) return null
    const r = await this.pool.query<{ store: string }>('SELECT store FROM stores WHERE enrolled_at IS NOT NULL')
    return new Set(r.rows.map((x) => x.store))
  }

  /** Enrols stores: their batches are taken from now on (merchant and name when given). */
  async enroll(stores: string[], merchant?: string, name?: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO stores (store, enrolled_at, merchant, name) SELECT unnest($1::text[]), $2, $3, $4
       ON CONFLICT (store) DO UPDATE SET enrolled_at = coalesce(stores.enrolled_at, excluded.enrolled_at),
         merchant = coalesce(excluded.merchant, stores.merchant), name = coalesce(excluded.name, stores.name)`,
      [stores, Date.now(), merchant ?? null, name ?? null],
    )
  }

  async stores(): Promise<StoreRow[]> {
    const r = await this.pool.query<StoreRow>(
      'SELECT store, contiguous, received, duplicates, gaps, status FROM stores ORDER BY store',
    )
    return r.rows
  }

  /** Runs a read (the reports) on a pooled connection. */
  query<R extends pg.QueryResultRow>(sql: string, args: unknown[] = []): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(sql, args)
  }

  watchProgress(listener: (stores: string[] | 'all') => void): void {
    const connect = async () => {
      if (this.closed) return
      const client = new pg.Client({ connectionString: this.opts.url })
      client.on('notification', (n) => {
        if (n.channel !== PROGRESS_CHANNEL || !n.payload) return
        const [from, stores] = n.payload.split('|')
        if (from === this.worker) return
        listener(!stores || stores === '*' ? 'all' : stores.split(','))
      })
      client.on('error', () => undefined)
      const again = () => {
        if (!this.closed) setTimeout(() => void connect(), 1_000).unref()
      }
      try {
        await client.connect()
        await client.query(`LISTEN ${PROGRESS_CHANNEL}`)
      } catch {
        await client.end().catch(() => undefined)
        return again()
      }
      this.listener = client
      // Lost (the server restarted): listen again; meanwhile held batches retry on their timer.
      client.on('end', () => {
        this.listener = null
        again()
      })
      listener('all') // anything held while not listening may fit now
    }
    void connect()
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.sweep) clearInterval(this.sweep)
    await this.listener?.end().catch(() => undefined)
    await this.pool.end()
  }
}

function refusedResult(store: string, err: unknown): IngestResult {
  return { ...emptyResult(store), refused: (err as Error).message }
}
