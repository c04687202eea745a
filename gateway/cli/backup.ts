/**
 * `tillside backup <file>` and `tillside restore <archive>` (backup-archive.ts,
 * backup-restore.ts). A target ending `.db` is the journal alone (SQLite's online backup,
 * checked), as before; any other is the whole store as one archive. `backup --dir <folder> --keep-days <n>` names
 * the archive by store and time and removes that store's archives older than n days (the
 * daily timer's job).
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Config } from '../../config/schema.js'
import { JOURNAL_FILE, snapshotJournal, writeBackup } from './backup-archive.js'
import { RestoreError, restoreBackup } from './backup-restore.js'
import { DataDirLockedError } from '../runtime/data-dir-lock.js'

const say = (s: string) => process.stdout.write(`${s}\n`)
const fail = (s: string, code = 1) => (process.stderr.write(`${s}\n`), code)
const DAY_MS = 86_400_000

export interface BackupArgs {
  target?: string
  dir?: string
  keepDays?: string
}

export async function runBackup(config: Config, args: BackupArgs, now = new Date()): Promise<number> {
  if ((args.target === undefined) === (args.dir === undefined))
    return fail('tillside backup: give the target file, or --dir <folder> (not both)', 2)
  const keepDays = args.keepDays === undefined ? null : Number(args.keepDays)
  if (keepDays !== null && (!Number.isInteger(keepDays) || keepDays < 1))
    return fail(`tillside backup: --keep-days must be a whole number of days ≥ 1 (got ${args.keepDays})`, 2)
  if (keepDays !== null && args.dir === undefined) return fail('tillside backup: --keep-days goes with --dir', 2)
  const prefix = `tillside-${config.store.id}-`
  const target =
    args.target ?? join(args.dir!, `${prefix}${now.toISOString().slice(0, 16).replace(/[:T]/g, '-')}.tar.gz`)
  if (target.endsWith('.db')) return journalOnly(config, target)
  try {
    const m = await writeBackup(config, target, now)
    say(`backed up store ${m.store} → ${resolve(target)} (${m.events} events, ${m.files.length} files, integrity ok)`)
  } catch (err) {
    return fail(`tillside backup: ${(err as Error).message}`)
  }
  if (keepDays !== null) {
    const old = readdirSync(args.dir!).filter(
      (n) =>
        n.startsWith(prefix) &&
        n.endsWith('.tar.gz') &&
        now.getTime() - statSync(join(args.dir!, n)).mtimeMs > keepDays * DAY_MS,
    )
    for (const n of old) rmSync(join(args.dir!, n))
    if (old.length > 0) say(`removed ${old.length} archive(s) older than ${keepDays} days`)
  }
  return 0
}

export async function runRestore(config: Config, archive: string, otherStore: boolean): Promise<number> {
  try {
    const r = await restoreBackup(config, archive, { otherStore })
    say(
      `restored store ${r.manifest.store}'s backup of ${r.manifest.createdAt} (${r.manifest.events} events) into ${resolve(config.dataDir)}`,
    )
    if (r.aside) say(`the data it replaced is in ${r.aside}`)
    for (const f of r.configFiles) say(`put back ${f} (the previous one beside it, .before-restore-…)`)
    return 0
  } catch (err) {
    if (err instanceof DataDirLockedError) return fail(`tillside restore: ${err.message}. Nothing was changed.`)
    if (err instanceof RestoreError) return fail(`tillside restore: ${err.message}. Nothing was changed.`)
    throw err
  }
}

/** The journal alone, as `tillside backup <file.db>` always made it. */
async function journalOnly(config: Config, target: string): Promise<number> {
  const source = resolve(config.dataDir, JOURNAL_FILE)
  const to = resolve(target)
  if (to === source) return fail('tillside backup: the target is the live database itself', 2)
  if (!existsSync(source)) return fail(`tillside backup: no database at ${source} (dataDir: ${config.dataDir})`)
  try {
    const { events } = await snapshotJournal(source, to)
    say(`backed up ${source} → ${to} (${events} events, integrity ok)`)
    return 0
  } catch (err) {
    return fail(`tillside backup: ${(err as Error).message}`)
  }
}
