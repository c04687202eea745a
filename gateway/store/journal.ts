/**
 * The durable event journal. `append()` resolves only after the event's transaction
 * was COMMITted and fsynced (synchronous=FULL) by the writer worker; appends that
 * arrive together share one commit (group-commit.ts).
 */
import { chmodSync, statSync, writeFileSync } from 'node:fs'
import type { Worker } from 'node:worker_threads'
import type { Statement } from 'better-sqlite3'
import type { Logger } from '../log.js'
import type { Module } from '../lifecycle.js'
import { startWorker } from '../worker.js'
import { openReadDatabase, type Db } from './database.js'
import { GroupCommitQueue } from './group-commit.js'
import type { EventRow, FromWriter, ToWriter } from './journal-protocol.js'
import {
  countEvents,
  fromWriterResults,
  toWriterBatch,
  type CommandResult,
  type JournalEvent,
  type Pending,
} from './journal-batch.js'
import type { CommandMap } from './tx/index.js'
import type { PayloadOf } from './event-contract.js'
import { JournalInputError, JournalUnavailableError, writeErrorFromSqlite } from './journal-errors.js'
import { eventIdFactory } from './event-ids.js'
import { STATEMENTS_KEPT, StatementCache } from './statement-cache.js'

export interface AppendInput<T extends string = string> {
  type: T
  device?: string | null
  /** As the event contract (event-contract.ts) writes it for a known type. */
  payload: PayloadOf<T>
  /** ms since epoch; defaults to now. */
  time?: number
  /** From `newId()`, when another event must name this one before it commits; defaults to a fresh ULID. */
  id?: string
}

export type { CommandResult, JournalEvent } from './journal-batch.js'

export interface JournalHealth {
  state: 'starting' | 'ok' | 'degraded' | 'failed' | 'closed'
  lastSeq: number
  appendedSinceStart: number
  commits: number
  largestBatch: number
  pending: number
  lastCommitMs: number | null
  lastError: { code: string; message: string; at: string } | null
}

const TYPE_PATTERN = /^[a-z][a-z0-9_.-]{0,63}$/
const ULID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/
export const MAX_PAYLOAD_BYTES = 256 * 1024
/** Background work (a message's fan-out) waits this long after a foreground commit: a till decision's next commit goes first. */
const BACKGROUND_GAP_MS = 5

export class Journal implements Module {
  readonly name = 'journal'
  private worker: Worker | null = null
  private readConnection: Db | null = null
  private readonly statements = new StatementCache(
    (sql) => this.requireReader().prepare(sql),
    (sql) =>
      this.log.error(
        { kept: STATEMENTS_KEPT, sql },
        'read statements past the cap are no longer kept: SQL built from values?',
      ),
  )
  private readonly queue = new GroupCommitQueue<Pending, unknown>(
    (items) => this.commitToWriter(items),
    undefined,
    BACKGROUND_GAP_MS,
  )
  private readonly inFlight = new Map<
    number,
    { items: Pending[]; resolve: (r: unknown[]) => void; reject: (e: unknown) => void }
  >()
  private nextBatch = 1
  private readonly ulid = eventIdFactory()
  private health: JournalHealth = {
    state: 'starting',
    lastSeq: 0,
    appendedSinceStart: 0,
    commits: 0,
    largestBatch: 0,
    pending: 0,
    lastCommitMs: null,
    lastError: null,
  }
  private accepting = false
  private readonly commitListeners = new Set<(lastSeq: number) => void>()
  private readonly commitObservers = new Set<(ms: number) => void>()
  private onClosed: (() => void) | null = null
  /** Called once if the writer dies; the runtime decides (log fatal, exit for systemd). */

  constructor(
    readonly file: string,
    private readonly log: Logger,
    /** Called once if the writer dies (the gateway exits so systemd restarts it). */
    private readonly onFatal: (err: Error) => void = () => {},
    /** `rollups: false` only for the bench's side-by-side run: the writer keeps no hourly rollups. */
    private readonly options: { rollups?: boolean } = {},
  ) {}

  async start(): Promise<void> {
    keepPrivate(this.file)
    const worker = startWorker(import.meta.url, 'journal-writer', {
      file: this.file,
      rollups: this.options.rollups ?? true,
    })
    this.worker = worker
    const ready = await new Promise<Extract<FromWriter, { type: 'ready' }>>((resolve, reject) => {
      const onMessage = (msg: FromWriter) => {
        if (msg.type === 'progress') return this.log.info({ done: msg.done, total: msg.total }, msg.message)
        cleanup()
        if (msg.type === 'ready') resolve(msg)
        else if (msg.type === 'open-failed') reject(Object.assign(new Error(msg.message), { code: msg.code }))
        else reject(new Error(`journal writer sent ${msg.type} before ready`))
      }
      const onError = (err: Error) => (cleanup(), reject(err))
      const onExit = (code: number) => (
        cleanup(),
        reject(new Error(`journal writer exited (${code}) while opening ${this.file}`))
      )
      // Remove only our own listeners: Worker keeps internal ones (removeAllListeners breaks messaging).
      const cleanup = () => {
        worker.off('message', onMessage)
        worker.off('error', onError)
        worker.off('exit', onExit)
      }
      worker.on('message', onMessage)
      worker.on('error', onError)
      worker.on('exit', onExit)
    })
    worker.on('message', (msg: FromWriter) => this.onWriterMessage(msg))
    worker.on('error', (err) => this.writerFailed(err))
    worker.on('exit', (code) => {
      if (this.health.state !== 'closed') this.writerFailed(new Error(`journal writer exited with code ${code}`))
    })
    this.readConnection = openReadDatabase(this.file)
    this.health = { ...this.health, state: 'ok', lastSeq: ready.lastSeq }
    this.accepting = true
    this.log.info({ file: this.file, lastSeq: ready.lastSeq, schemaVersion: ready.schemaVersion }, 'journal open')
  }

  /** A fresh event id (ULID, monotonic in this process). */
  newId(): string {
    return this.ulid()
  }

  /** Durably appends one event; resolves after COMMIT with its id and seq. */
  append<T extends string, P extends PayloadOf<T>>(input: AppendInput<T> & { payload: P }): Promise<JournalEvent<P>> {
    if (!this.accepting) return Promise.reject(this.unavailable())
    let row: EventRow
    try {
      row = this.toRow(input)
    } catch (err) {
      return Promise.reject(err)
    }
    return this.queue.submit({ kind: 'row', row, payload: input.payload }) as Promise<JournalEvent<P>>
  }

  /**
   * Runs a writer command (gateway/store/tx/) inside a group commit: its table writes and
   * its events commit together, after the appends submitted before it. Resolves after
   * COMMIT; rejects with JournalCommandError if the command threw (it alone is rolled back).
   * `background`: bulk work that gives way to everything else (group-commit.ts).
   */
  execute<K extends keyof CommandMap & string>(
    name: K,
    args: CommandMap[K]['args'],
    opts: { background?: boolean } = {},
  ): Promise<CommandResult<CommandMap[K]['result']>> {
    if (!this.accepting) return Promise.reject(this.unavailable())
    return this.queue.submit({ kind: 'command', name, args }, opts).then((r) => {
      if (r instanceof Error) throw r
      return r as CommandResult<CommandMap[K]['result']>
    })
  }

  private unavailable(): JournalUnavailableError {
    const code =
      this.health.state === 'failed' ? 'writer_failed' : this.health.state === 'starting' ? 'not_started' : 'closed'
    return new JournalUnavailableError(code, `journal is ${this.health.state}; event not recorded`)
  }

  /** The read-only connection for queries (WAL readers never block the writer). */
  get reader(): Db {
    return this.requireReader()
  }

  /** A prepared statement on the read connection, prepared once per SQL text (services query on every request). */
  query(sql: string): Statement {
    return this.statements.get(sql)
  }

  /** Read statements kept now (for the test of the bound). */
  get statementsKept(): number {
    return this.statements.size
  }

  /** Calls `listener` with the highest seq after each commit (the sync relay wakes on it); returns the unsubscribe. */
  onCommit(listener: (lastSeq: number) => void): () => void {
    this.commitListeners.add(listener)
    return () => this.commitListeners.delete(listener)
  }

  /** Every commit's time in the writer (its transaction and fsync), for /metrics. */
  observeCommits(observer: (ms: number) => void): () => void {
    this.commitObservers.add(observer)
    return () => this.commitObservers.delete(observer)
  }

  getHealth(): JournalHealth {
    return { ...this.health, pending: this.queue.pending, largestBatch: this.queue.largestBatch }
  }

  /** Events after `afterSeq` in seq order (read connection; never blocks the writer). */
  readAfter(afterSeq: number, limit = 1000): JournalEvent[] {
    const rows = this.requireReader()
      .prepare('SELECT seq, id, type, time, device, payload FROM events WHERE seq > ? ORDER BY seq LIMIT ?')
      .all(afterSeq, limit) as (Omit<JournalEvent, 'payload'> & { payload: string })[]
    return rows.map((r) => ({ ...r, payload: JSON.parse(r.payload) as unknown }))
  }

  /** Stops intake, waits for every accepted append to commit, then closes the writer. */
  async stop(): Promise<void> {
    this.accepting = false
    await this.queue.drain()
    const worker = this.worker
    if (worker && this.health.state !== 'failed') {
      this.health.state = 'closed'
      await new Promise<void>((resolve) => {
        this.onClosed = resolve
        worker.once('exit', () => resolve())
        worker.postMessage({ type: 'close' } satisfies ToWriter)
      })
      await worker.terminate()
    }
    this.health.state = 'closed'
    this.statements.clear()
    this.readConnection?.close()
    this.readConnection = null
    this.worker = null
  }

  private toRow(input: AppendInput): EventRow {
    if (typeof input.type !== 'string' || !TYPE_PATTERN.test(input.type)) {
      throw new JournalInputError('invalid_type', `event type ${JSON.stringify(input.type)} must match ${TYPE_PATTERN}`)
    }
    const device = input.device ?? null
    if (device !== null && (typeof device !== 'string' || device.length === 0 || device.length > 64)) {
      throw new JournalInputError('invalid_device', 'device must be a non-empty string of at most 64 characters')
    }
    let payload: string
    try {
      payload = JSON.stringify(input.payload)
    } catch (err) {
      throw new JournalInputError(
        'unserialisable_payload',
        `payload is not JSON-serialisable: ${(err as Error).message}`,
      )
    }
    if (typeof payload !== 'string' || typeof input.payload !== 'object' || input.payload === null) {
      throw new JournalInputError('unserialisable_payload', 'payload must be a JSON object or array')
    }
    // UTF-8 is at most 3 bytes per UTF-16 unit: only long payloads need counting.
    const bytes = payload.length * 3 > MAX_PAYLOAD_BYTES ? Buffer.byteLength(payload) : payload.length
    if (bytes > MAX_PAYLOAD_BYTES) {
      throw new JournalInputError('payload_too_large', `payload is ${bytes} bytes; limit ${MAX_PAYLOAD_BYTES}`)
    }
    if (input.id !== undefined && !ULID_PATTERN.test(input.id))
      throw new JournalInputError('invalid_id', 'id must be a ULID from journal.newId()')
    return { id: input.id ?? this.ulid(), type: input.type, time: input.time ?? Date.now(), device, payload }
  }

  private commitToWriter(items: Pending[]): Promise<unknown[]> {
    const worker = this.worker
    if (!worker || this.health.state === 'failed') {
      return Promise.reject(new JournalUnavailableError('writer_failed', 'journal writer is not running'))
    }
    const batch = this.nextBatch++
    return new Promise<unknown[]>((resolve, reject) => {
      this.inFlight.set(batch, { items, resolve, reject })
      worker.postMessage({ type: 'commit', batch, ...toWriterBatch(items) } satisfies ToWriter)
    })
  }

  private onWriterMessage(msg: FromWriter): void {
    if (msg.type === 'committed') {
      const waiter = this.inFlight.get(msg.batch)
      this.inFlight.delete(msg.batch)
      this.health.commits++
      this.health.lastCommitMs = msg.ms
      for (const observe of this.commitObservers) observe(msg.ms)
      if (this.health.state === 'degraded') this.health.state = 'ok'
      if (waiter) {
        const count = countEvents(waiter.items, msg.outcomes)
        this.health.lastSeq = Math.max(this.health.lastSeq, msg.firstSeq + count - 1)
        this.health.appendedSinceStart += count
        waiter.resolve(fromWriterResults(waiter.items, msg.firstSeq, msg.outcomes))
        if (count > 0) this.notifyCommit()
      }
    } else if (msg.type === 'commit-failed') {
      const waiter = this.inFlight.get(msg.batch)
      this.inFlight.delete(msg.batch)
      const err = writeErrorFromSqlite(msg.code, msg.message)
      this.health.state = 'degraded'
      this.health.lastError = { code: err.code, message: err.message, at: new Date().toISOString() }
      this.log.error({ code: msg.code, err: msg.message }, 'journal commit failed; batch not recorded, callers told')
      waiter?.reject(err)
    } else if (msg.type === 'closed') {
      this.onClosed?.()
    }
  }

  private notifyCommit(): void {
    for (const listener of this.commitListeners) {
      try {
        listener(this.health.lastSeq)
      } catch (err) {
        this.log.error({ err }, 'commit listener failed')
      }
    }
  }

  private writerFailed(err: Error): void {
    if (this.health.state === 'failed' || this.health.state === 'closed') return
    this.health.state = 'failed'
    this.accepting = false
    this.health.lastError = { code: 'writer_failed', message: err.message, at: new Date().toISOString() }
    this.log.fatal({ err }, 'journal writer failed; no event can be recorded')
    const unavailable = new JournalUnavailableError('writer_failed', `journal writer failed: ${err.message}`)
    for (const w of this.inFlight.values()) w.reject(unavailable)
    this.inFlight.clear()
    this.queue.rejectPending(unavailable)
    this.onFatal(err)
  }

  private requireReader(): Db {
    if (!this.readConnection) throw new JournalUnavailableError('not_started', 'journal is not open')
    return this.readConnection
  }
}

/**
 * Members' phones (encrypted), sales and vouchers are in this file: only the service user
 * may read it. SQLite gives the -wal and -shm files the database file's mode, so setting
 * it on the main file (made empty here when new, which SQLite takes as an empty database)
 * covers all three.
 */
function keepPrivate(file: string): void {
  try {
    writeFileSync(file, '', { flag: 'wx', mode: 0o600 })
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return // no directory: the writer's open reports it
    if (code !== 'EEXIST') throw err
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600)
}
