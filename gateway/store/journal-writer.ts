/**
 * The journal's writer, run in a worker thread so an fsync (milliseconds on a cheap SSD,
 * far more on an SD card) never stalls HTTP or device I/O on the main event loop.
 * It owns the only write connection; one batch is one transaction is one fsync.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { openWriteDatabase, schemaVersion, type Db } from './database.js'
import type { EventRow, FromWriter, ToWriter } from './journal-protocol.js'

const port = parentPort!
const { file } = (workerData as { data: { file: string } }).data
const post = (msg: FromWriter) => port.postMessage(msg)

let db: Db
try {
  const opened = openWriteDatabase(file)
  db = opened.db
  const row = db.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').get('events') as { seq: number } | undefined
  post({ type: 'ready', lastSeq: row?.seq ?? 0, integrity: opened.integrity, schemaVersion: schemaVersion(db) })
} catch (err) {
  const e = err as { code?: string; message: string }
  post({ type: 'open-failed', code: e.code ?? 'cannot_open', message: e.message })
  process.exit(1)
}

const insert = db.prepare('INSERT INTO events (id, type, time, device, payload) VALUES (?, ?, ?, ?, ?)')
const commitBatch = db.transaction((rows: EventRow[]): number => {
  let first = 0
  let last = 0
  for (const r of rows) {
    last = Number(insert.run(r.id, r.type, r.time, r.device, r.payload).lastInsertRowid)
    if (first === 0) first = last
  }
  // Single writer + AUTOINCREMENT: a batch's seqs are contiguous. If that ever stops
  // holding, fail loudly rather than hand callers wrong seqs.
  if (last - first !== rows.length - 1) throw Object.assign(new Error('non-contiguous seq in batch'), { code: 'internal' })
  return first
})

port.on('message', (msg: ToWriter) => {
  if (msg.type === 'commit') {
    const started = performance.now()
    try {
      const firstSeq = commitBatch(msg.rows)
      post({ type: 'committed', batch: msg.batch, firstSeq, ms: performance.now() - started })
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
