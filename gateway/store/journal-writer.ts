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
// This worker is the only writer, so it hands out seqs itself: contiguous per batch.
let lastSeq: number
try {
  const opened = openWriteDatabase(file)
  db = opened.db
  lastSeq = readLastSeq(db)
  post({ type: 'ready', lastSeq, integrity: opened.integrity, schemaVersion: schemaVersion(db) })
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

const COLUMNS = '(seq, id, type, time, device, payload)'
const insertOne = db.prepare(`INSERT INTO events ${COLUMNS} VALUES (?, ?, ?, ?, ?, ?)`)
// Rows go in chunks of CHUNK per statement: one call into SQLite per 64 rows instead of
// per row roughly halves the writer's CPU per event, which bounds throughput under load.
const CHUNK = 64
const insertChunk = db.prepare(`INSERT INTO events ${COLUMNS} VALUES ${Array(CHUNK).fill('(?, ?, ?, ?, ?, ?)').join(', ')}`)
const saveLastSeq = db.prepare('UPDATE journal_meta SET last_seq = ? WHERE id = 1')
const params: (string | number | null)[] = new Array(CHUNK * (ROW_WIDTH + 1))

const commitBatch = db.transaction((flat: FlatRows, first: number): void => {
  const rows = flat.length / ROW_WIDTH
  let seq = first
  let row = 0
  for (; row + CHUNK <= rows; row += CHUNK) {
    let p = 0
    for (let r = row; r < row + CHUNK; r++) {
      params[p++] = seq++
      for (let c = r * ROW_WIDTH; c < (r + 1) * ROW_WIDTH; c++) params[p++] = flat[c]!
    }
    insertChunk.run(params)
  }
  for (; row < rows; row++) {
    const c = row * ROW_WIDTH
    insertOne.run(seq++, flat[c], flat[c + 1], flat[c + 2], flat[c + 3], flat[c + 4])
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
