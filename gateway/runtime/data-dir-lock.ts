/**
 * One gateway per data directory. Two processes writing one journal would both hand out
 * seqs; the pid file makes the second refuse to start instead. A pid file left by a
 * crashed (or SIGKILLed) gateway is stale and taken over.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
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

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export class DataDirLock implements Module {
  readonly name = 'data-dir-lock'
  private held = false

  constructor(private readonly dataDir: string) {}

  get file(): string {
    return join(this.dataDir, 'tillside.pid')
  }

  async start(): Promise<void> {
    mkdirSync(this.dataDir, { recursive: true })
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(this.file, `${process.pid}\n`, { flag: 'wx' })
        this.held = true
        return
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      }
      const pid = Number.parseInt(readFileSync(this.file, 'utf8'), 10)
      if (Number.isInteger(pid) && pid !== process.pid && alive(pid)) throw new DataDirLockedError(this.dataDir, pid)
      rmSync(this.file, { force: true }) // stale: its gateway is gone
    }
    throw new Error(`could not take the lock ${this.file}`)
  }

  async stop(): Promise<void> {
    if (this.held) rmSync(this.file, { force: true })
    this.held = false
  }
}
