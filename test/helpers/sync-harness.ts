/**
 * The two ends of the sync pipe for tests: a store (journal + SyncService, as the
 * gateway runs them) and the reference ingest, each with its own broker connection, plus
 * the total-queue checker: what the store journaled against what the cloud holds.
 */
import type { CommandHandlers } from '../../sync/commands/command-types.js'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { parseConfig } from '../../config/load.js'
import type { Config } from '../../config/schema.js'
import { Journal } from '../../gateway/store/journal.js'
import { EventBus } from '../../gateway/bus.js'
import { silentLogger, type Logger } from '../../gateway/log.js'
import { SyncService } from '../../sync/sync-service.js'
import { MqttLink } from '../../sync/mqtt-link.js'
import { CloudStore } from '../../sync/ingest/cloud-store.js'
import { SqliteCloudDb } from '../../sync/ingest/sqlite-cloud-db.js'
import type { CloudDb } from '../../sync/ingest/cloud-db.js'
import { Ingest, ingestSubscriptions } from '../../sync/ingest/ingest.js'
import { CommandSender } from '../../sync/ingest/command-sender.js'

/** Sync settings that make faults show quickly (seconds, not the field's minutes). */
export const FAST_SYNC = {
  keepaliveSeconds: 5,
  ackTimeoutMs: 2000,
  reconnect: { initialMs: 50, maxMs: 400 },
  batch: { maxEvents: 500, maxBytes: 262_144, lingerMs: 2 },
  window: 8,
}

export function storeConfig(dir: string, store: string, broker: string, sync: object = {}): Config {
  const config = parseConfig(`store: { id: ${store}, name: ${store} }\ndataDir: ${dir}\n`, 'test')
  return { ...config, sync: { ...config.sync, ...FAST_SYNC, ...sync, broker } }
}

export class StoreEnd {
  readonly journal: Journal
  readonly sync: SyncService
  readonly bus: EventBus

  constructor(
    readonly config: Config,
    log: Logger = silentLogger(),
    commands: CommandHandlers = {},
  ) {
    this.journal = new Journal(join(config.dataDir, 'journal.db'), log)
    this.bus = new EventBus(log)
    this.sync = new SyncService(
      config,
      { journal: this.journal, bus: this.bus, deviceStates: () => [], version: 'test', commands, asks: {} },
      log,
    )
  }

  async start(): Promise<this> {
    await this.journal.start()
    await this.sync.start()
    return this
  }

  async stop(): Promise<void> {
    await this.sync.stop()
    await this.journal.stop()
  }

  /** Appends `n` events in bursts of `burst`, as a busy store would. */
  async produce(n: number, burst = 50): Promise<void> {
    for (let i = 0; i < n; i += burst) {
      await Promise.all(
        Array.from({ length: Math.min(burst, n - i) }, (_, k) =>
          this.journal.append({ type: 'test.event', device: null, payload: { n: i + k } }),
        ),
      )
    }
  }

  /** Appends bursts of events until stopped (so faults always land mid-drain); `stop()` resolves with the count. */
  producing(burst = 50, pauseMs = 5): { stop(): Promise<number> } {
    let running = true
    let count = 0
    const loop = (async () => {
      while (running) {
        await this.produce(burst)
        count += burst
        await new Promise((r) => setTimeout(r, pauseMs))
      }
    })()
    return {
      stop: async () => {
        running = false
        await loop
        return count
      },
    }
  }

  acked(): number {
    return this.sync.status().acked ?? 0
  }
}

export interface IngestEndOptions {
  shared?: boolean
  clientId?: string
  protocolVersion?: 4 | 5
  summaryEveryMs?: number
  flushes?: number
}

/** The reference cloud ingest in process, over any cloud database, on a real broker. */
export class IngestEnd {
  readonly link: MqttLink
  readonly ingest: Ingest
  readonly commands: CommandSender

  constructor(
    readonly db: CloudDb,
    brokerUrl: string,
    opts: IngestEndOptions = {},
    log: Logger = silentLogger(),
  ) {
    this.link = new MqttLink(
      {
        url: brokerUrl,
        clientId: opts.clientId ?? 'test-ingest',
        protocolVersion: opts.protocolVersion ?? 5,
        keepaliveSeconds: 5,
        subscriptions: ingestSubscriptions(opts.shared ?? false),
        reconnect: { initialMs: 50, maxMs: 400 },
      },
      log,
    )
    this.ingest = new Ingest(
      db,
      this.link,
      {
        shared: opts.shared ?? false,
        maxBatchBytes: 16 * 1024 * 1024,
        summaryEveryMs: opts.summaryEveryMs,
        flushes: opts.flushes,
      },
      log,
    )
    this.commands = new CommandSender(this.link, log)
  }

  start(): this {
    this.link.start()
    return this
  }

  async stop(): Promise<void> {
    await this.ingest.stop()
    await this.link.stop()
    await this.db.close()
  }
}

/** The SQLite reference cloud (what `tillside cloud --db <file>` runs); `store` for looking inside. */
export class CloudEnd extends IngestEnd {
  readonly store: CloudStore

  constructor(dbFile: string, brokerUrl: string, opts: IngestEndOptions = {}, log: Logger = silentLogger()) {
    const store = new CloudStore(dbFile)
    super(new SqliteCloudDb(store), brokerUrl, opts, log)
    this.store = store
  }
}

export interface QueueCheck {
  journaled: number
  received: number
  lost: number[]
  /** Events held twice by the cloud (same event id at two seqs) or with another id at a seq. */
  duplicated: number
  mismatched: number
  /** Events that first arrived after an event with a higher seq. */
  reordered: number
}

/** The total-queue check: every journaled event exactly once in the cloud, in order. */
export function checkQueue(journalFile: string, cloudFile: string, store: string): QueueCheck {
  const j = new Database(journalFile, { readonly: true })
  const c = new Database(cloudFile, { readonly: true })
  try {
    const journaled = j.prepare('SELECT seq, id FROM events ORDER BY seq').all() as { seq: number; id: string }[]
    const cloud = c.prepare('SELECT seq, id, arrival FROM events WHERE store = ? ORDER BY seq').all(store) as {
      seq: number
      id: string
      arrival: number
    }[]
    const bySeq = new Map(cloud.map((e) => [e.seq, e]))
    const lost = journaled.filter((e) => !bySeq.has(e.seq)).map((e) => e.seq)
    const mismatched = journaled.filter((e) => bySeq.has(e.seq) && bySeq.get(e.seq)!.id !== e.id).length
    const duplicated = cloud.length - new Set(cloud.map((e) => e.id)).size
    let reordered = 0
    for (let i = 1; i < cloud.length; i++) if (cloud[i]!.arrival < cloud[i - 1]!.arrival) reordered++
    return { journaled: journaled.length, received: cloud.length, lost, duplicated, mismatched, reordered }
  } finally {
    j.close()
    c.close()
  }
}
