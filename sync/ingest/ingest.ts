/**
 * The reference cloud ingest (`tillside cloud`): takes every store's event batches,
 * stores them once by (store, seq), and acknowledges the contiguous high-water mark
 * after the events are durable. Batches queue per store (batch-buffer.ts) and go to the
 * database several stores at a time — one transaction for many small batches is what
 * lets a thousand trickling stores through. With a shared subscription ($share/…)
 * several ingest processes split the load behind one broker or cluster; the database
 * orders and dedupes, and a batch that arrives before its predecessor is held a moment
 * instead of refused.
 */
import type { Logger } from '../../gateway/log.js'
import { Tally } from '../../gateway/log-tally.js'
import { CONTRACT_VERSION, ContractError, ROOT, parseBatch, topics, type Ack } from '../contract.js'
import type { Link, LinkMessage } from '../link.js'
import { emptyResult, type CloudDb, type IngestBatch, type IngestResult } from './cloud-db.js'
import { KnownStores } from './known-stores.js'
import { BatchBuffer, DEFAULT_BUFFER_LIMITS, type BufferLimits } from './batch-buffer.js'
import { RpcResponder } from './rpc-responder.js'
import { CommandSender } from './command-sender.js'
import { PipeSummaries } from './pipe-summaries.js'
import { StoreAsker } from './store-asker.js'
import { CardRelay } from './card-relay.js'
import { DoubleUseNotices } from './double-use-notices.js'

export interface IngestOptions {
  /** Subscribe through a shared subscription group (MQTT 5 brokers, and Mosquitto on 3.1.1). */
  shared: boolean
  maxBatchBytes: number
  /** How often stores whose vouchers were redeemed elsewhere get the pipe's departures (ms). */
  summaryEveryMs?: number
  /** Database transactions in flight at once, each over other stores (SQLite: 1; PostgreSQL: a few). */
  flushes?: number
  buffer?: Partial<BufferLimits>
}

/** Five minutes: the figures are for a manager's page, not the till. */
export const SUMMARY_EVERY_MS = 300_000

export const SHARE_GROUP = 'tillside-ingest'

/**
 * Events and requests (shared or not), presence, and the stores' command results and
 * answers to asks (not shared: each reaches the process that is waiting for it).
 */
export function ingestSubscriptions(shared: boolean): string[] {
  const share = (topic: string) => (shared ? `$share/${SHARE_GROUP}/${topic}` : topic)
  return [
    share(`${ROOT}/+/events`),
    share(`${ROOT}/+/rpc/+`),
    `${ROOT}/+/status`,
    `${ROOT}/+/cmd-result`,
    `${ROOT}/+/answer`,
  ]
}

export interface IngestStats {
  batches: number
  events: number
  duplicates: number
  /** Batches and messages refused (malformed, another store's topic, an unknown store). */
  refused: number
  /** Batches dropped unacknowledged because the buffer was full (the store sends them again). */
  dropped: number
  /** Holes that outlasted the hold window: the store was asked to send again. */
  resendsAsked: number
  alerts: number
}

/** How many events one database transaction takes at most (several stores' batches). */
const MAX_EVENTS_PER_FLUSH = 20_000
/** A failing database is offered the batches again after this (ms). */
const DB_RETRY_MS = 500

export class Ingest {
  readonly stats: IngestStats = {
    batches: 0,
    events: 0,
    duplicates: 0,
    refused: 0,
    dropped: 0,
    resendsAsked: 0,
    alerts: 0,
  }
  readonly rpc: RpcResponder
  readonly summaries: PipeSummaries
  readonly cards: CardRelay
  readonly doubleUses: DoubleUseNotices
  private readonly asker: StoreAsker
  private readonly tally: Tally
  private readonly buffer: BatchBuffer
  private flights = 0
  private retryTimer: NodeJS.Timeout | null = null
  private stopped = false
  private readonly known: KnownStores
  private dbFailing = false
  /** Settles when no flush is in flight (stop waits for it). */
  private idle: Promise<void> = Promise.resolve()
  private markIdle: (() => void) | null = null

  constructor(
    readonly db: CloudDb,
    private readonly link: Link,
    private readonly opts: IngestOptions,
    private readonly log: Logger,
  ) {
    // Alone on its subscription an ingest gets a store's batches in order: a hole is a lost
    // batch, and the store is asked for it at once. Shared, the batch may be at another ingest.
    const holdMs = opts.shared ? DEFAULT_BUFFER_LIMITS.holdMs : 0
    this.buffer = new BatchBuffer({ ...DEFAULT_BUFFER_LIMITS, holdMs, ...opts.buffer })
    this.known = new KnownStores(db)
    this.rpc = new RpcResponder(db, link, log)
    const sender = new CommandSender(link, log)
    this.summaries = new PipeSummaries(db, sender, opts.summaryEveryMs ?? SUMMARY_EVERY_MS, log)
    this.summaries.start()
    this.asker = new StoreAsker(link, log)
    this.cards = new CardRelay(db.cards, this.asker, sender, log)
    this.rpc.cardRelay = this.cards
    this.cards.start()
    this.doubleUses = new DoubleUseNotices(db, sender, log)
    this.doubleUses.start()
    link.on('down', () => this.asker.abandonAll())
    this.tally = new Tally(log, 'stored in the last minute')
    db.watchProgress?.((stores) => {
      this.buffer.progressed(stores)
      this.kick()
    })
    link.on('message', (m) => this.onMessage(m))
  }

  private onMessage(m: LinkMessage): void {
    if (!m.topic.startsWith(`${ROOT}/`)) return
    const [store, kind, method] = m.topic.slice(ROOT.length + 1).split('/')
    if (!store) return
    try {
      if (kind === 'events') this.onBatch(store, m.payload)
      else if (kind === 'status') this.onStatus(store, m.payload)
      else if (kind === 'rpc' && method) this.rpc.onRequest(store, method, m)
      else if (kind === 'answer') this.asker.onAnswer(store, m)
    } catch (err) {
      if (!(err instanceof ContractError)) throw err
      this.refuse(store, m.topic, err.message)
    }
  }

  private refuse(store: string, topic: string, why: string): void {
    this.stats.refused++
    this.tally.add('refused')
    this.log.warn({ store, topic, err: why }, 'message refused')
  }

  private onBatch(store: string, payload: Buffer): void {
    if (payload.length > this.opts.maxBatchBytes)
      throw new ContractError(`batch is ${payload.length} bytes; limit ${this.opts.maxBatchBytes}`)
    const raw = payload.toString()
    const batch: IngestBatch = parseBatch(raw, this.opts.maxBatchBytes)
    if (batch.store !== store) throw new ContractError(`batch for store ${batch.store} published on ${store}'s topic`)
    batch.raw = raw
    void this.known.has(store).then(
      (known) => {
        if (!known) return this.refuse(store, `${ROOT}/${store}/events`, `store ${store} is not enrolled in this cloud`)
        const outcome = this.buffer.add(batch, payload.length)
        if (outcome === 'full') {
          this.stats.dropped++
          this.tally.add('droppedBufferFull')
        }
        this.kick()
      },
      (err: Error) => this.log.warn({ store, err: err.message }, 'known stores not read; batch left to be sent again'),
    )
  }

  /** Starts as many database flushes as allowed while batches are ready. */
  private kick(): void {
    while (!this.stopped && this.flights < (this.opts.flushes ?? 1)) {
      const { batches, absorb } = this.buffer.take(Date.now(), MAX_EVENTS_PER_FLUSH)
      if (batches.length === 0 && absorb.length === 0) break
      this.flights++
      if (this.flights === 1) this.idle = new Promise((resolve) => (this.markIdle = resolve))
      void this.flush(batches, absorb).finally(() => {
        if (--this.flights === 0) this.markIdle?.()
        this.kick()
      })
    }
    this.armRetry()
  }

  /** Held batches are offered again when their retry comes, if no commit wakes them first. */
  private armRetry(): void {
    if (this.retryTimer || this.stopped) return
    const next = this.buffer.nextRetryAt()
    if (next === null) return
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = null
        this.kick()
      },
      Math.max(1, next - Date.now()),
    )
  }

  private async flush(batches: IngestBatch[], absorb: string[]): Promise<void> {
    let results: IngestResult[]
    try {
      results = await this.db.ingest(batches, absorb)
    } catch (err) {
      // Nothing acknowledged: offered again shortly; the stores resend after their ack timeout anyway.
      if (!this.dbFailing) this.log.error({ err: (err as Error).message }, 'cloud database failed; batches kept')
      this.dbFailing = true
      this.buffer.putBack(batches, absorb, Date.now(), DB_RETRY_MS)
      return
    }
    if (this.dbFailing) this.log.info('cloud database back')
    this.dbFailing = false
    const now = Date.now()
    const answered = new Set(results.map((r) => r.store))
    for (const store of absorb) if (!answered.has(store)) results.push(emptyResult(store))
    for (const r of results) {
      if (r.refused !== undefined) {
        // Nothing stored, nothing acknowledged: the store's batches are dropped and counted.
        this.buffer.settle({ ...r, held: [] }, now)
        this.refuse(r.store, topics.events(r.store), `the database will not hold its batches: ${r.refused}`)
        continue
      }
      this.settled(r, this.buffer.settle(r, now))
    }
  }

  private settled(r: IngestResult, askResend: boolean): void {
    this.summaries.mark(r.departures)
    if (r.cardCancels) this.cards.flushCancels()
    this.stats.events += r.inserted
    this.stats.duplicates += r.duplicates
    for (const a of r.alerts) {
      this.stats.alerts++
      this.log.warn({ store: r.store, kind: a.kind, detail: a.detail }, 'alert')
    }
    if (r.alerts.some((a) => a.kind === 'double_redemption')) this.doubleUses.flush()
    if (askResend) {
      this.stats.resendsAsked++
      this.tally.add('resendsAsked')
      this.log.info({ store: r.store, contiguous: r.contiguous }, 'gap outlasted the hold: store asked to send again')
    }
    // Held only (nothing stored yet): no ack until the hole closes or the window passes.
    if (r.inserted + r.duplicates === 0 && !askResend) return
    this.stats.batches++
    const ack: Ack = { v: CONTRACT_VERSION, seq: r.contiguous, ...(askResend ? { resend: true } : {}) }
    this.link
      .publish(topics.ack(r.store), JSON.stringify(ack), { qos: 1 })
      .catch((err: Error) =>
        this.log.debug({ store: r.store, err: err.message }, 'ack not sent; the store will resend'),
      )
    this.log.debug({ store: r.store, events: r.inserted, acked: r.contiguous }, 'batches stored')
    this.tally.add('events', r.inserted)
    this.tally.add('duplicates', r.duplicates)
  }

  /** Stops taking batches and waits for the flushes in flight (the link and database are their owner's to stop). */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.summaries.stop()
    this.cards.stop()
    this.doubleUses.stop()
    await this.idle
  }

  private onStatus(store: string, payload: Buffer): void {
    if (payload.length === 0) return // a cleared retained status
    let status: { state?: unknown; merchant?: unknown; lastSeq?: unknown }
    try {
      status = JSON.parse(payload.toString()) as typeof status
    } catch {
      throw new ContractError('status is not JSON')
    }
    if (status?.state !== 'online' && status.state !== 'offline')
      throw new ContractError('status.state must be online or offline')
    const state = status.state
    // The birth says which merchant the store belongs to (none: its cards are its own).
    const merchant = state === 'online' ? (typeof status.merchant === 'string' ? status.merchant : null) : undefined
    const lastSeq = Number.isSafeInteger(status.lastSeq) ? (status.lastSeq as number) : undefined
    this.db.setStatus(store, state, merchant, lastSeq).then(
      () => {
        if (state !== 'online') return
        // A store that comes online gets its departures (maybe none) soon, so its page has a count and a time.
        this.summaries.mark([store])
        this.cards.flushCancels()
        this.doubleUses.flush()
      },
      (err: Error) => this.log.warn({ store, err: err.message }, 'store status not recorded'),
    )
    this.log.info({ store, state }, 'store status')
  }
}
