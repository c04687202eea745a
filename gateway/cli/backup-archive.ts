/**
 * A store's backup as one archive (.tar.gz): the journal (SQLite's online backup, checked),
 * everything else in the data directory a store cannot rebuild — the issuer key (keys/),
 * the cloud's copies of the trust list, campaigns and revocations, the payment and webhook
 * key files, the config patch — and the trust list, campaigns and revocations files the
 * config names outside it. manifest.json lists every file with its size, mode and SHA-256,
 * so a restore can check all of it before it puts anything in place (backup-restore.ts).
 */
import { createHash } from 'node:crypto'
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { basename, dirname, join, relative, resolve } from 'node:path'
import Database from 'better-sqlite3'
import * as tar from 'tar'
import type { Config } from '../../config/schema.js'
import { checkIntegrity } from '../store/database.js'
import { packageVersion } from '../version.js'

export const BACKUP_FORMAT = 1
export const JOURNAL_FILE = 'tillside.db'

/**
 * Not backed up: the live journal (its snapshot is), the lock, the simulator's slips, the
 * development cloud, and what restores set aside.
 */
const SKIP =
  /^(tillside\.db(-wal|-shm|-journal)?|tillside\.(lock|pid)|print-sim|cloud\.db(-wal|-shm|-journal)?|.*\.tmp|\.restore-.*|before-restore-.*)$/

/** The config's files a backup carries when they live outside the data directory. */
export const CONFIG_FILES = ['trustListFile', 'campaignsFile', 'revocationsFile'] as const

export interface ManifestFile {
  /** Inside the archive: data/… or config/<key>/<name>. */
  path: string
  size: number
  mode: number
  sha256: string
}

export interface Manifest {
  format: number
  store: string
  createdAt: string
  version: string
  events: number
  lastSeq: number
  files: ManifestFile[]
  /** Where each config file was (vouchers.<key>), for the person restoring. */
  configFiles: Partial<Record<(typeof CONFIG_FILES)[number], string>>
}

export const sha256Of = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')

/** Writes the archive to `target` (via a temporary file, renamed when complete); returns its manifest. */
export async function writeBackup(config: Config, target: string, now = new Date()): Promise<Manifest> {
  const dataDir = resolve(config.dataDir)
  const journal = join(dataDir, JOURNAL_FILE)
  if (!existsSync(journal)) throw new Error(`no journal at ${journal} (dataDir: ${config.dataDir})`)
  const to = resolve(target)
  if (to.startsWith(`${dataDir}/`))
    throw new Error(`the archive must not be written inside the data directory (${dataDir})`)
  const staging = `${to}.partial`
  rmSync(staging, { recursive: true, force: true })
  mkdirSync(join(staging, 'data'), { recursive: true, mode: 0o700 })
  try {
    const { events, lastSeq } = await snapshotJournal(journal, join(staging, 'data', JOURNAL_FILE))
    copyTree(dataDir, join(staging, 'data'))
    const configFiles: Manifest['configFiles'] = {}
    for (const key of CONFIG_FILES) {
      const file = config.vouchers[key]
      if (!file || !existsSync(file) || resolve(file).startsWith(`${dataDir}/`)) continue
      mkdirSync(join(staging, 'config', key), { recursive: true })
      copyFileSync(file, join(staging, 'config', key, basename(file)))
      configFiles[key] = resolve(file)
    }
    const files = listFiles(staging).map((path) => {
      const st = statSync(join(staging, path))
      return { path, size: st.size, mode: st.mode & 0o777, sha256: sha256Of(join(staging, path)) }
    })
    const manifest: Manifest = {
      format: BACKUP_FORMAT,
      store: config.store.id,
      createdAt: now.toISOString(),
      version: packageVersion(),
      events,
      lastSeq,
      files,
      configFiles,
    }
    writeFileSync(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 })
    mkdirSync(dirname(to), { recursive: true })
    // The archive holds the issuer's private key: made the backup's reader's only before a byte is in it.
    writeFileSync(`${to}.tmp`, '', { mode: 0o600 })
    chmodSync(`${to}.tmp`, 0o600)
    const entries = ['manifest.json', ...readdirSync(staging).filter((n) => n !== 'manifest.json')]
    await tar.create({ gzip: true, file: `${to}.tmp`, cwd: staging }, entries)
    renameSync(`${to}.tmp`, to)
    return manifest
  } finally {
    rmSync(staging, { recursive: true, force: true })
    rmSync(`${to}.tmp`, { force: true })
  }
}

/**
 * The journal copied with SQLite's online backup (a consistent snapshot while the gateway
 * keeps writing) to `to`, then checked; throws when the copy fails its integrity check.
 */
export async function snapshotJournal(source: string, to: string): Promise<{ events: number; lastSeq: number }> {
  const live = new Database(source, { readonly: true, fileMustExist: true })
  try {
    await live.backup(to)
  } finally {
    live.close()
  }
  const copy = new Database(to, { readonly: true })
  try {
    const integrity = checkIntegrity(copy)
    if (integrity !== 'ok') throw new Error(`the journal's copy failed its integrity check: ${integrity}`)
    return {
      events: copy.prepare('SELECT count(*) FROM events').pluck().get() as number,
      lastSeq: copy.prepare('SELECT coalesce(max(seq), 0) FROM events').pluck().get() as number,
    }
  } finally {
    copy.close()
  }
}

/** Copies the data directory's files (modes kept; symlinks and SKIP left out). */
function copyTree(from: string, to: string): void {
  for (const name of readdirSync(from)) {
    if (SKIP.test(name)) continue
    const src = join(from, name)
    const st = lstatSync(src)
    if (st.isDirectory()) {
      mkdirSync(join(to, name), { mode: st.mode & 0o777 })
      copyTree(src, join(to, name))
    } else if (st.isFile()) {
      copyFileSync(src, join(to, name))
      chmodSync(join(to, name), st.mode & 0o777)
    }
  }
}

/** Every regular file under `root`, as relative paths with forward slashes. */
export function listFiles(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(root, join(dir, e.name)) : e.isFile() ? [relative(root, join(dir, e.name))] : [],
  )
}
