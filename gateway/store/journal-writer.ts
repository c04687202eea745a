/**
 * The journal's writer, run in a worker thread so an fsync (milliseconds on a cheap SSD,
 * far more on an SD card) never stalls HTTP or device I/O on the main event loop.
 * It owns the only write connection; one batch is one transaction is one fsync.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { openWriteDatabase, schemaVersion, type Db } from './database.js'
import { ROW_WIDTH, type FlatRows, type FromWriter, type ToWriter } from './journal-protocol.js'

const port = parentPort!
const { file } = (workerData as { data: { file: string } }).data
const post = (msg: FromWriter) => port.postMessage(msg)

let db: Db
try {
  const opened = openWriteDatabase(file)
  db = opened.db
  post({ type: 'ready', lastSeq: readLastSeq(db), integrity: opened.integrity, schemaVersion: schemaVersion(db) })
} catch (err) {
  const e = err as { code?: string; message: string }
  post({ type: 'open-failed', code: e.code ?? 'cannot_open', message: e.message })
  process.exit(1)
}

/** The highest seq ever given: the meta row, or the table itself if they ever disagree. */
function readLastSeq(d: Db): number {
  const meta = d.prepare('SELECT last_seq AS s FROM journal_meta WHERE id = 1').get() as { s: number }
  const max = d.prepare('SELECT max(seq) AS s FROM events').get() as { s: number | null }
  return Math.max(meta.s, max.s ?? 0)
}

// This worker is the only writer, so it can hand out seqs itself: contiguous per batch.
let lastSeq = readLastSeq(db)
const insert = db.prepare('INSERT INTO events (seq, id, type, time, device, payload) VALUES (?, ?, ?, ?, ?, ?)')
const saveLastSeq = db.prepare('UPDATE journal_meta SET last_seq = ? WHERE id = 1')
const commitBatch = db.transaction((flat: FlatRows, first: number): void => {
  let seq = first
  for (let i = 0; i < flat.length; i += ROW_WIDTH) {
    insert.run(seq++, flat[i], flat[i + 1], flat[i + 2], flat[i + 3], flat[i + 4])
  }
  saveLastSeq.run(seq - 1)
})

port.on('message', (msg: ToWriter) => {
  if (msg.type === 'commit') {
    const started = performance.now()
    try {
      const firstSeq = lastSeq + 1
      commitBatch(msg.flat, firstSeq) // throws (and rolls back) before lastSeq moves
      lastSeq += msg.flat.length / ROW_WIDTH
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
