/**
 * One gateway per data directory. Two processes writing one journal would both hand out
 * seqs; the pid file makes the second refuse to start instead. A pid file left by a
 * crashed (or SIGKILLed) gateway is stale and taken over; one whose gateway is still
 * stopping (a restart right after SIGTERM) is waited for, up to `waitMs`.
 *
 * The file holds the pid and the process's start time (/proc/<pid>/stat, field 22): after
 * a power cut the old pid may belong to another program by now, which must not block us.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Module } from '../lifecycle.js'

export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError'
  readonly code = 'data_dir_locked'
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`another Tillside gateway (pid ${pid}) is using ${dataDir}; stop it or use another dataDir`)
  }
}

/** The process's start time in clock ticks since boot, or null where /proc cannot tell. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null
  } catch {
    return null
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The pid whose gateway still holds the file, or null when the file is stale. */
function holder(text: string): number | null {
  const [pidText, started] = text.trim().split(/\s+/)
  const pid = Number.parseInt(pidText ?? '', 10)
  if (!Number.isInteger(pid) || pid === process.pid || !alive(pid)) return null
  // Same pid, another process (reused after a reboot): stale.
  const actual = processStartTime(pid)
  if (started !== undefined && actual !== null && actual !== started) return null
  return pid
}

export class DataDirLock implements Module {
  readonly name = 'data-dir-lock'
  private held = false

  constructor(
    private readonly dataDir: string,
    /** How long to wait for a gateway that is still stopping. */
    private readonly waitMs = 20_000,
  ) {}

  get file(): string {
    return join(this.dataDir, 'tillside.pid')
  }

  async start(signal?: AbortSignal): Promise<void> {
    mkdirSync(this.dataDir, { recursive: true, mode: 0o700 })
    // The journal, keys and cloud copy live here: private to the service user, also when an
    // older version or an installer made the directory. Only a directory that is ours (empty,
    // or holding our journal or keys) is tightened: a dataDir set to a shared place (/,
    // /tmp) is never chmodded.
    const ours =
      readdirSync(this.dataDir).length === 0 ||
      existsSync(join(this.dataDir, 'tillside.db')) ||
      existsSync(join(this.dataDir, 'keys'))
    if (ours && (statSync(this.dataDir).mode & 0o077) !== 0) chmodSync(this.dataDir, 0o700)
    const deadline = Date.now() + this.waitMs
    for (;;) {
      signal?.throwIfAborted()
      try {
        writeFileSync(this.file, `${process.pid} ${processStartTime(process.pid) ?? ''}`.trim() + '\n', {
          flag: 'wx',
          mode: 0o600,
        })
        this.held = true
        return
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      }
      let text: string
      try {
        text = readFileSync(this.file, 'utf8')
      } catch {
        continue // removed between our two calls: try again
      }
      const pid = holder(text)
      if (pid === null) {
        rmSync(this.file, { force: true }) // stale: its gateway is gone
        continue
      }
      if (Date.now() >= deadline) throw new DataDirLockedError(this.dataDir, pid)
      await sleep(100)
    }
  }

  async stop(): Promise<void> {
    if (this.held) rmSync(this.file, { force: true })
    this.held = false
  }
}
