/**
 * Runs the database's full integrity check in the background (issue #13): a start after
 * a power cut must not wait minutes for a check that reads every page of a year's
 * journal. At start the journal only opens (SQLite's WAL recovery, the schema, the last
 * seq); the first full check runs a while after start, then every `everyHours`. A
 * failure is an alarm in the log and on /api/status, with what to do.
 */
import type { Worker } from 'node:worker_threads'
import type { Logger } from '../log.js'
import type { Module } from '../lifecycle.js'
import { startWorker } from '../worker.js'

export interface IntegrityStatus {
  /** 'ok', SQLite's list of problems, or null before the first check finished. */
  result: string | null
  checkedAt: string | null
  alarm: string | null
}

export class IntegrityMonitor implements Module {
  readonly name = 'integrity-monitor'
  private timer: NodeJS.Timeout | null = null
  private stopped = false
  private worker: Worker | null = null
  private current: IntegrityStatus = { result: null, checkedAt: null, alarm: null }

  constructor(
    private readonly file: string,
    private readonly opts: { firstAfterMs: number; everyMs: number },
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    this.stopped = false
    this.schedule(this.opts.firstAfterMs)
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.worker?.terminate()
    this.worker = null
  }

  status(): IntegrityStatus {
    return { ...this.current }
  }

  /** Runs a check now (also what the schedule calls); resolves with its result. */
  check(): Promise<string> {
    if (this.worker) return Promise.reject(new Error('an integrity check is already running'))
    const started = Date.now()
    const worker = startWorker(import.meta.url, 'integrity-check', { file: this.file })
    this.worker = worker
    return new Promise<string>((resolve) => {
      const finish = (result: string) => {
        if (this.worker !== worker) return
        this.worker = null
        void worker.terminate()
        const ok = result === 'ok'
        const alarm = ok
          ? null
          : `database integrity check failed (${result}): make a backup now (tillside backup), then stop the gateway, move ${this.file} aside and restore the latest good backup`
        this.current = { result, checkedAt: new Date().toISOString(), alarm }
        if (ok) this.log.info({ ms: Date.now() - started }, 'database integrity check passed')
        else this.log.error({ result }, alarm!)
        resolve(result)
      }
      worker.once('message', (m: { integrity?: string; error?: string }) =>
        finish(m.integrity ?? `could not check: ${m.error}`),
      )
      worker.once('error', (err) => finish(`could not check: ${err.message}`))
      worker.once('exit', (code) => finish(`could not check: the checker exited (${code})`))
    })
  }

  private schedule(ms: number): void {
    if (this.stopped) return
    this.timer = setTimeout(() => {
      this.timer = null
      void this.check().finally(() => {
        if (this.timer === null && this.worker === null) this.schedule(this.opts.everyMs)
      })
    }, ms)
    this.timer.unref()
  }
}
