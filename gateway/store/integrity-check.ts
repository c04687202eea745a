/**
 * The full `PRAGMA integrity_check`, in a worker thread on its own read-only connection:
 * it reads every page (minutes on a year's journal), so it must neither hold up start-up
 * nor block the main event loop (better-sqlite3 is synchronous). A WAL reader never
 * blocks the writer; the WAL only grows until the check's snapshot is released.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { checkIntegrity, openReadDatabase } from './database.js'

const { file } = (workerData as { data: { file: string } }).data
let result: { integrity: string } | { error: string }
try {
  const db = openReadDatabase(file)
  try {
    result = { integrity: checkIntegrity(db) }
  } finally {
    db.close()
  }
} catch (err) {
  // Damage bad enough that SQLite stops the check is its answer too, not a failure to check.
  const code = (err as { code?: string }).code
  result =
    code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB'
      ? { integrity: (err as Error).message }
      : { error: (err as Error).message }
}
parentPort!.postMessage(result)
