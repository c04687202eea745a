/**
 * Opens the store's SQLite database with the pragmas durability depends on.
 *
 * synchronous=FULL: better-sqlite3 (and SQLite in WAL mode) is commonly run at NORMAL,
 * where a commit is not fsynced and the last transactions can vanish on power loss.
 * "Nothing acknowledged is lost" needs every COMMIT fsynced, so FULL it is; group
 * commit (journal.ts) is what keeps that fast.
 */
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { MIGRATIONS, type Migration } from './migrations.js'

export type Db = Database.Database

export class DatabaseError extends Error {
  override readonly name = 'DatabaseError'
  constructor(
    readonly code: 'corrupt' | 'too_new' | 'cannot_open' | 'migration_failed',
    message: string,
  ) {
    super(message)
  }
}

/**
 * Page cache per connection, in KiB (negative = KiB in SQLite's terms). better-sqlite3
 * builds SQLite with 16 MB; a store's working set (recent events, vouchers, members) is
 * far smaller, and draining a week-long backlog reads pages once, so a big cache only
 * raises peak memory (the mini-PC also runs the kiosk browser).
 */
const CACHE_KIB = -4000

/**
 * Opens (and migrates) the journal for writing. No full integrity check here: it reads
 * every page, minutes on a year's journal, and a store after a power cut must be back in
 * seconds (issue #13) — IntegrityMonitor runs it in the background. Opening already
 * replays the WAL and reads the schema; damage found on the way is reported as corrupt.
 */
export function openWriteDatabase(file: string, migrations: Migration[] = MIGRATIONS): { db: Db } {
  mkdirSync(dirname(file), { recursive: true })
  let db: Db
  try {
    db = new Database(file)
  } catch (err) {
    throw new DatabaseError('cannot_open', `cannot open ${file}: ${(err as Error).message}`)
  }
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
    db.pragma('busy_timeout = 5000')
    db.pragma('foreign_keys = ON')
    db.pragma(`cache_size = ${CACHE_KIB}`)
    migrate(db, migrations)
    return { db }
  } catch (err) {
    db.close()
    const code = (err as { code?: string }).code
    if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') {
      throw new DatabaseError(
        'corrupt',
        `${file} is damaged (${(err as Error).message}); move it aside and restore the latest \`tillside backup\` copy`,
      )
    }
    throw err
  }
}

/** A read-only connection for queries off the writer's path (WAL readers never block it). */
export function openReadDatabase(file: string): Db {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  db.pragma('busy_timeout = 5000')
  db.pragma(`cache_size = ${CACHE_KIB}`)
  return db
}

export function checkIntegrity(db: Db): string {
  const rows = db.pragma('integrity_check') as { integrity_check: string }[]
  return rows.map((r) => r.integrity_check).join('; ')
}

export function schemaVersion(db: Db): number {
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get()
  if (!hasTable) return 0
  const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null }
  return row.v ?? 0
}

export function migrate(db: Db, migrations: Migration[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`)
  const current = schemaVersion(db)
  const latest = migrations.at(-1)?.version ?? 0
  if (current > latest) {
    throw new DatabaseError(
      'too_new',
      `database schema version ${current} is newer than this Tillside knows (${latest}); upgrade Tillside`,
    )
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
  for (const m of migrations) {
    if (m.version <= current) continue
    try {
      db.transaction(() => {
        db.exec(m.sql)
        record.run(m.version, m.name, Date.now())
      })()
    } catch (err) {
      throw new DatabaseError(
        'migration_failed',
        `migration ${m.version} (${m.name}) failed: ${(err as Error).message}`,
      )
    }
  }
}
