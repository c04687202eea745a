/**
 * `tillside restore <archive>`: puts a backup (backup-archive.ts) back. Everything is
 * checked before anything is touched — the manifest's format and store, every file's
 * size and SHA-256 (and nothing the manifest does not list), the key files' modes (a
 * private key others could read is not one Tillside wrote), the journal's integrity.
 * It holds the data directory's lock throughout, so it refuses over a running gateway
 * and no gateway starts halfway. The data it replaces is moved aside (into
 * dataDir/before-restore-<time>), not deleted.
 */
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import * as tar from 'tar'
import type { Config } from '../../config/schema.js'
import { DataDirLock } from '../runtime/data-dir-lock.js'
import { checkIntegrity } from '../store/database.js'
import { BACKUP_FORMAT, CONFIG_FILES, JOURNAL_FILE, listFiles, sha256Of, type Manifest } from './backup-archive.js'

export class RestoreError extends Error {
  override readonly name = 'RestoreError'
}

/** Never moved aside or replaced: the lock the restore itself holds, and what restores put there. */
const STAYS = /^(tillside\.(lock|pid)|\.restore-.*|before-restore-.*)$/
const RESTORING = '.restore-'
const SET_ASIDE = 'before-restore-'

export interface RestoreResult {
  manifest: Manifest
  /** Where the data it replaced went (null when the data directory was empty). */
  aside: string | null
  configFiles: string[]
}

export async function restoreBackup(
  config: Config,
  archive: string,
  opts: { otherStore?: boolean; now?: Date } = {},
): Promise<RestoreResult> {
  const dataDir = resolve(config.dataDir)
  if (!existsSync(archive)) throw new RestoreError(`no archive at ${archive}`)
  const lock = new DataDirLock(dataDir, 0)
  await lock.start() // a running gateway: DataDirLockedError, nothing touched
  const stamp = (opts.now ?? new Date()).toISOString().replace(/[:.]/g, '-')
  // Inside the data directory: the service user may write there, not beside it (/var/lib).
  const unpacked = join(dataDir, `${RESTORING}${stamp}`)
  try {
    mkdirSync(unpacked, { mode: 0o700 })
    const odd: string[] = []
    try {
      // Files and folders only: a link in an archive could point anywhere.
      const filter = (path: string, entry: { type?: string } | unknown) => {
        const type = (entry as { type?: string }).type
        if (type === 'File' || type === 'Directory') return true
        odd.push(`${path} (${type})`)
        return false
      }
      await tar.extract({ file: archive, cwd: unpacked, strict: true, filter })
    } catch (err) {
      throw new RestoreError(`${archive} is not a Tillside backup archive: ${(err as Error).message}`)
    }
    if (odd.length > 0) throw new RestoreError(`the archive holds what a backup never does: ${odd.join(', ')}`)
    const manifest = check(unpacked, config, opts.otherStore ?? false)
    const aside = swap(dataDir, join(unpacked, 'data'), join(dataDir, `${SET_ASIDE}${stamp}`))
    const configFiles = putConfigFiles(config, unpacked, manifest, stamp)
    return { manifest, aside, configFiles }
  } finally {
    rmSync(unpacked, { recursive: true, force: true })
    await lock.stop()
  }
}

function check(dir: string, config: Config, otherStore: boolean): Manifest {
  let manifest: Manifest
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest
  } catch {
    throw new RestoreError('the archive has no readable manifest.json: not a Tillside backup')
  }
  if (manifest.format !== BACKUP_FORMAT)
    throw new RestoreError(`backup format ${manifest.format}; this Tillside reads format ${BACKUP_FORMAT}`)
  if (manifest.store !== config.store.id && !otherStore)
    throw new RestoreError(
      `the backup is store ${manifest.store}'s; this config is store ${config.store.id} (--other-store to restore it anyway)`,
    )
  const listed = new Map(manifest.files.map((f) => [f.path, f]))
  for (const path of listFiles(dir)) {
    if (path === 'manifest.json') continue
    const f = listed.get(path)
    if (!f) throw new RestoreError(`${path} is in the archive but not in its manifest`)
    const st = statSync(join(dir, path))
    if (st.size !== f.size || sha256Of(join(dir, path)) !== f.sha256)
      throw new RestoreError(`${path} is not the file that was backed up (size or SHA-256 differ)`)
    listed.delete(path)
    const mode = st.mode & 0o777
    if (path.startsWith('data/keys/') && (mode & 0o077) !== 0)
      throw new RestoreError(`${path} could be read by others (mode ${mode.toString(8)}); a Tillside key file is 600`)
  }
  if (listed.size > 0) throw new RestoreError(`the archive lacks ${[...listed.keys()].join(', ')}`)
  const db = new Database(join(dir, 'data', JOURNAL_FILE), { readonly: true, fileMustExist: true })
  try {
    const integrity = checkIntegrity(db)
    if (integrity !== 'ok')
      throw new RestoreError(`the journal in the archive failed its integrity check: ${integrity}`)
  } finally {
    db.close()
  }
  return manifest
}

/** Moves the data directory's files aside (into it) and the restored ones in; the lock files stay where they are. */
function swap(dataDir: string, restored: string, aside: string): string | null {
  const current = readdirSync(dataDir).filter((n) => !STAYS.test(n))
  if (current.length > 0) {
    mkdirSync(aside, { mode: 0o700 })
    for (const name of current) renameSync(join(dataDir, name), join(aside, name))
  }
  for (const name of readdirSync(restored)) renameSync(join(restored, name), join(dataDir, name))
  chmodSync(dataDir, 0o700)
  return current.length > 0 ? aside : null
}

/**
 * The config's trust list, campaigns and revocations files go back where the config now
 * says (the old ones kept beside).
 */
function putConfigFiles(config: Config, dir: string, manifest: Manifest, stamp: string): string[] {
  const put: string[] = []
  for (const key of CONFIG_FILES) {
    const target = config.vouchers[key]
    const inArchive = manifest.files.find((f) => f.path.startsWith(`config/${key}/`))
    if (!target || !inArchive) continue
    if (existsSync(target)) copyFileSync(target, `${target}.before-restore-${stamp}`)
    copyFileSync(join(dir, inArchive.path), target)
    put.push(target)
  }
  return put
}
