/**
 * The journal's writer, run in a worker thread so an fsync (milliseconds on a cheap SSD,
 * far more on an SD card) never stalls HTTP or device I/O on the main event loop.
 * It owns this process's write connection; one batch is one transaction is one fsync.
 */
import { parentPort, workerData } from 'node:worker_threads'
import type Database from 'better-sqlite3'
import { openWriteDatabase, schemaVersion } from './database.js'
import {
  ROW_WIDTH,
  type CommandCall,
  type CommandOutcome,
  type FlatRows,
  type FromWriter,
  type ToWriter,
  type WrittenEvent,
} from './journal-protocol.js'
import { WRITER_COMMANDS } from './tx/index.js'
import { RollupBatch, UPSERT_SQL, countSql } from './rollups.js'
import type { TxContext, WriterCommand } from './tx/tx-context.js'
import { eventIdFactory } from './event-ids.js'
import { StatementCache } from './statement-cache.js'

const port = parentPort!
const { file, rollups: keepRollups } = (workerData as { data: { file: string; rollups: boolean } }).data
const post = (msg: FromWriter) => port.postMessage(msg)

let opened: ReturnType<typeof openWriteDatabase>
try {
  opened = openWriteDatabase(file)
} catch (err) {
  const e = err as { code?: string; message: string }
  post({ type: 'open-failed', code: e.code ?? 'cannot_open', message: e.message })
  process.exit(1)
}
const db = opened.db
const ulid = eventIdFactory()

const COLUMNS = '(seq, id, type, time, device, payload)'
const insertOne = db.prepare(`INSERT INTO events ${COLUMNS} VALUES (?, ?, ?, ?, ?, ?)`)
// Rows go in chunks of CHUNK per statement: one call into SQLite per 64 rows instead of
// per row roughly halves the writer's CPU per event, which bounds throughput under load.
const CHUNK = 64
const insertChunk = db.prepare(
  `INSERT INTO events ${COLUMNS} VALUES ${Array(CHUNK).fill('(?, ?, ?, ?, ?, ?)').join(', ')}`,
)
const insertOutbox = db.prepare('INSERT INTO outbox (seq, type) VALUES (?, ?)')
// The highest seq ever given: the meta row, or the table itself if they ever disagree.
// Read inside each write transaction (not cached), so two processes sharing one database
// file (two tills, or the CLI beside a running gateway) never hand out the same seq.
const readLastSeq = db
  .prepare('SELECT max(last_seq, coalesce((SELECT max(seq) FROM events), 0)) AS s FROM journal_meta WHERE id = 1')
  .pluck()
// Every batch counts its events into the hourly rollups, so both seqs move together.
const saveLastSeq = db.prepare('UPDATE journal_meta SET last_seq = @seq, rollup_seq = @seq WHERE id = 1')
const upsertRollup = db.prepare(UPSERT_SQL)
const params: (string | number | null)[] = new Array(CHUNK * (ROW_WIDTH + 1))
// The commands' SQL is their own constants; the cap only guards against a change that is not.
const statements = new StatementCache((sql) => db.prepare(sql))
const stmt = (sql: string): Database.Statement => statements.get(sql)

if (keepRollups) catchUpRollups()
post({ type: 'ready', lastSeq: readLastSeq.get() as number, schemaVersion: schemaVersion(db) })

/**
 * Counts events journaled before the rollups existed (an upgraded store), in chunks of
 * seqs, each its own transaction, so a crash resumes where it stopped; before `ready`,
 * so no append of this process races it.
 */
function catchUpRollups(): void {
  const CHUNK_SEQS = 250_000
  const last = readLastSeq.get() as number
  const first = (db.prepare('SELECT rollup_seq FROM journal_meta WHERE id = 1').pluck().get() as number) + 1
  if (first > last) return
  const count = db.prepare(countSql(true))
  const save = db.prepare('UPDATE journal_meta SET rollup_seq = max(rollup_seq, ?) WHERE id = 1')
  const started = performance.now()
  for (let from = first; from <= last; from += CHUNK_SEQS) {
    const to = Math.min(last, from + CHUNK_SEQS - 1)
    db.transaction(() => {
      count.run(from, to)
      save.run(to)
    }).immediate()
    post({ type: 'progress', message: 'building hourly rollups', done: to - first + 1, total: last - first + 1 })
  }
  post({
    type: 'progress',
    message: `hourly rollups built in ${Math.round(performance.now() - started)} ms`,
    done: last - first + 1,
    total: last - first + 1,
  })
}

/** Inserts plain rows [from, to) of the batch starting at `seq`, counting them in `rollups`; returns the next seq. */
function insertRows(flat: FlatRows, from: number, to: number, seq: number, rollups: RollupBatch): number {
  if (keepRollups)
    for (let r = from; r < to; r++) {
      const c = r * ROW_WIDTH
      rollups.add(flat[c + 1] as string, flat[c + 2] as number, flat[c + 4] as string)
    }
  let row = from
  for (; row + CHUNK <= to; row += CHUNK) {
    let p = 0
    for (let r = row; r < row + CHUNK; r++) {
      params[p++] = seq++
      for (let c = r * ROW_WIDTH; c < (r + 1) * ROW_WIDTH; c++) params[p++] = flat[c]!
    }
    insertChunk.run(params)
  }
  for (; row < to; row++) {
    const c = row * ROW_WIDTH
    insertOne.run(seq++, flat[c], flat[c + 1], flat[c + 2], flat[c + 3], flat[c + 4])
  }
  return seq
}

/** Storage failures abort the whole batch; anything else fails only the command that threw. */
function isStorageFailure(err: unknown): boolean {
  const code = (err as { code?: unknown }).code
  return typeof code === 'string' && /^SQLITE_(FULL|IOERR|READONLY|CORRUPT|NOTADB|CANTOPEN)/.test(code)
}

function runCommand(call: CommandCall, seq: number, rollups: RollupBatch): { outcome: CommandOutcome; seq: number } {
  const command = (WRITER_COMMANDS as Record<string, WriterCommand | undefined>)[call.name]
  if (!command)
    return { outcome: { ok: false, code: 'unknown_command', message: `no writer command ${call.name}` }, seq }
  const events: WrittenEvent[] = []
  const counted = new RollupBatch() // the command's own: merged only if it does not roll back
  const now = Date.now()
  let next = seq
  const tx: TxContext = {
    db,
    now,
    stmt,
    append(type, device, payload, opts) {
      const row: WrittenEvent = { seq: next, id: ulid(), type, time: now, device, payload: JSON.stringify(payload) }
      insertOne.run(row.seq, row.id, row.type, row.time, row.device, row.payload)
      if (opts?.outbox) insertOutbox.run(row.seq, type)
      if (keepRollups) counted.add(type, now, payload as Record<string, unknown>)
      events.push(row)
      next++
      return { id: row.id, seq: row.seq, time: now }
    },
  }
  try {
    // A nested better-sqlite3 transaction is a SAVEPOINT: a throwing command rolls back alone.
    const result = db.transaction(() => command(tx, call.args))()
    rollups.merge(counted)
    return { outcome: { ok: true, result, events }, seq: next }
  } catch (err) {
    if (isStorageFailure(err)) throw err
    const e = err as { code?: unknown; message?: string }
    return {
      outcome: {
        ok: false,
        code: typeof e.code === 'string' ? e.code : 'command_failed',
        message: e.message ?? String(err),
      },
      seq,
    }
  }
}

const commitBatch = db.transaction(
  (flat: FlatRows, commands: CommandCall[]): { firstSeq: number; outcomes: CommandOutcome[] } => {
    const firstSeq = (readLastSeq.get() as number) + 1
    const rows = flat.length / ROW_WIDTH
    const outcomes: CommandOutcome[] = []
    const rollups = new RollupBatch()
    let seq = firstSeq
    let row = 0
    for (const call of commands) {
      seq = insertRows(flat, row, call.at, seq, rollups)
      row = call.at
      const ran = runCommand(call, seq, rollups)
      outcomes.push(ran.outcome)
      seq = ran.seq
    }
    seq = insertRows(flat, row, rows, seq, rollups)
    rollups.flush(upsertRollup)
    saveLastSeq.run({ seq: seq - 1 })
    return { firstSeq, outcomes }
  },
)

port.on('message', (msg: ToWriter) => {
  if (msg.type === 'commit') {
    const started = performance.now()
    try {
      // IMMEDIATE takes the write lock up front, so a second process waits (busy_timeout) instead of failing mid-batch.
      const { firstSeq, outcomes } = commitBatch.immediate(msg.flat, msg.commands)
      post({ type: 'committed', batch: msg.batch, firstSeq, ms: performance.now() - started, outcomes })
    } catch (err) {
      const e = err as { code?: string; message: string }
      post({ type: 'commit-failed', batch: msg.batch, code: e.code ?? 'unknown', message: e.message })
    }
  } else if (msg.type === 'close') {
    try {
      db.pragma('wal_checkpoint(TRUNCATE)')
    } finally {
      db.close()
      post({ type: 'closed' })
    }
  }
})
