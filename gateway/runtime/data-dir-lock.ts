/**
 * One gateway per data directory. Two processes writing one journal would both hand out
 * seqs; the second must refuse to start instead. The lock is an exclusive POSIX lock on
 * `tillside.lock` (SQLite's, taken through better-sqlite3 and held for the process's life):
 * the kernel drops it the moment the process dies, however it dies, so nothing a power
 * cut or a SIGKILL leaves behind — a pid file, a pid reused by another program — can block
 * the next start. `tillside.pid` beside it only says who holds it, for the error and for
 * people. A gateway still stopping (a restart right after SIGTERM) is waited for, up to
 * `waitMs`.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import Database from 'better-sqlite3'
import type { Module } from '../lifecycle.js'

export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError'
  readonly code = 'data_dir_locked'
  constructor(
    readonly dataDir: string,
    /** From the holder's pid file; null when it has not written it (yet). */
    readonly pid: number | null,
  ) {
    super(
      `another Tillside gateway${pid === null ? '' : ` (pid ${pid})`} is using ${dataDir}; stop it (systemctl stop tillside) or use another dataDir`,
    )
  }
}

const isBusy = (err: unknown) => /^SQLITE_(BUSY|LOCKED)/.test((err as { code?: string }).code ?? '')

export class DataDirLock implements Module {
  readonly name = 'data-dir-lock'
  private db: Database.Database | null = null

  constructor(
    private readonly dataDir: string,
    /** How long to wait for a gateway that is still stopping. */
    private readonly waitMs = 20_000,
  ) {}

  get file(): string {
    return join(this.dataDir, 'tillside.pid')
  }

  get lockFile(): string {
    return join(this.dataDir, 'tillside.lock')
  }

  async start(signal?: AbortSignal): Promise<void> {
    this.ownDirectory()
    const deadline = Date.now() + this.waitMs
    for (;;) {
      signal?.throwIfAborted()
      if (this.tryLock()) break
      if (Date.now() >= deadline) throw new DataDirLockedError(this.dataDir, this.holder())
      await sleep(100)
    }
    writeFileSync(this.file, `${process.pid}\n`, { mode: 0o600 })
  }

  async stop(): Promise<void> {
    if (!this.db) return
    rmSync(this.file, { force: true })
    this.db.close() // the lock goes with the connection
    this.db = null
  }

  /** Takes the exclusive lock now, or says another process holds it. */
  private tryLock(): boolean {
    const db = new Database(this.lockFile, { timeout: 0 })
    try {
      // Exclusive locking mode keeps the lock after the transaction, until the connection closes.
      db.pragma('locking_mode = EXCLUSIVE')
      db.pragma('journal_mode = MEMORY')
      db.exec('BEGIN EXCLUSIVE; COMMIT')
      this.db = db
      return true
    } catch (err) {
      db.close()
      if (isBusy(err)) return false
      throw err
    }
  }

  private holder(): number | null {
    try {
      const pid = Number.parseInt(readFileSync(this.file, 'utf8'), 10)
      return Number.isInteger(pid) ? pid : null
    } catch {
      return null
    }
  }

  /**
   * The journal, keys and cloud copy live here: private to the service user, also when an
   * older version or an installer made the directory. Only a directory that is ours (empty,
   * or holding our journal or keys) is tightened: a dataDir set to a shared place (/,
   * /tmp) is never chmodded.
   */
  private ownDirectory(): void {
    mkdirSync(this.dataDir, { recursive: true, mode: 0o700 })
    const ours =
      readdirSync(this.dataDir).length === 0 ||
      existsSync(join(this.dataDir, 'tillside.db')) ||
      existsSync(join(this.dataDir, 'keys'))
    if (ours && (statSync(this.dataDir).mode & 0o077) !== 0) chmodSync(this.dataDir, 0o700)
  }
}
