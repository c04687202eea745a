/**
 * Holds journals written by real runs to the event contract (gateway/store/event-contract.ts):
 * every test temp dir is checked on cleanup, so each flow a test drives through a gateway
 * also proves the events it journaled have their written shape.
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { Ajv } from 'ajv'
import type { StoredEvent } from '../../gateway/store/read/sync-reads.js'
import { eventJsonSchema } from '../../gateway/store/event-json-schema.js'

/** The gateway's journal file name (gateway/runtime/gateway.ts DB_FILE; test/sync/contract.test.ts keeps them equal). */
export const JOURNAL_FILE = 'tillside.db'

const validate = new Ajv({ strict: false }).compile(eventJsonSchema())

/** What in the journal at `file` breaks the contract, one line per event (at most `limit`). */
export function contractViolations(file: string, limit = 10): string[] {
  let db: Database.Database
  try {
    db = new Database(file, { readonly: true, fileMustExist: true })
  } catch {
    return [] // not a journal a test left readable (corrupted on purpose, or never made)
  }
  const found: string[] = []
  try {
    for (const row of db
      .prepare('SELECT seq, id, type, time, device, payload FROM events')
      .iterate() as Iterable<StoredEvent>) {
      if (validate({ ...row, payload: JSON.parse(row.payload) as unknown })) continue
      const why = validate.errors!.map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ')
      found.push(`#${row.seq} ${row.type}: ${why} — ${row.payload.slice(0, 300)}`)
      if (found.length >= limit) break
    }
  } catch {
    // A journal corrupted on purpose is the integrity tests' business.
  } finally {
    db.close()
  }
  return found
}

/** Every gateway journal (JOURNAL_FILE) in `dir` and its subdirectories. */
export function journalsUnder(dir: string, depth = 3): string[] {
  let entries
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch {
    return []
  }
  return entries.flatMap((e) =>
    e.isDirectory() && depth > 0
      ? journalsUnder(join(dir, e.name), depth - 1)
      : e.name === JOURNAL_FILE
        ? [join(dir, e.name)]
        : [],
  )
}
