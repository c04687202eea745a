/** `tillside backup <file>`: SQLite online backup, then an integrity check of the copy. */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import Database from 'better-sqlite3'
import type { Config } from '../../config/schema.js'
import { databasePath } from '../runtime/gateway.js'
import { checkIntegrity } from '../store/database.js'

export async function runBackup(config: Config, target: string): Promise<number> {
  const source = databasePath(config)
  const to = resolve(target)
  if (!existsSync(source)) {
    process.stderr.write(`tillside backup: no database at ${source} (dataDir: ${config.dataDir})\n`)
    return 1
  }
  if (to === source) {
    process.stderr.write('tillside backup: the target is the live database itself\n')
    return 2
  }
  const db = new Database(source, { readonly: true, fileMustExist: true })
  try {
    // The online backup copies a consistent snapshot while the gateway keeps writing.
    await db.backup(to)
  } catch (err) {
    process.stderr.write(`tillside backup: failed: ${(err as Error).message}\n`)
    return 1
  } finally {
    db.close()
  }
  const copy = new Database(to, { readonly: true })
  const integrity = checkIntegrity(copy)
  const { n } = copy.prepare('SELECT count(*) AS n FROM events').get() as { n: number }
  copy.close()
  if (integrity !== 'ok') {
    process.stderr.write(`tillside backup: the copy failed integrity_check: ${integrity}\n`)
    return 1
  }
  process.stdout.write(`backed up ${source} → ${to} (${n} events, integrity ok)\n`)
  return 0
}
