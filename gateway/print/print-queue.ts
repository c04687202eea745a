/**
 * The durable print queue of one printer. Jobs are stored (journal writer) before the
 * caller gets their id, printed in order, held while the printer cannot print, and
 * marked done only when the bytes were written *and* the status afterwards is healthy.
 * A job that cannot be rendered fails alone; the queue goes on. A job whose outcome is
 * unknown — found 'printing' at start, a write that failed, a printer that went silent,
 * ran out of paper or opened its cover right after the bytes went out — is 'interrupted'
 * for a person to reprint: a slip may be on paper already, so it is never sent again by
 * itself (issue #13: a late status answer once got a slip printed twice).
 */
import { PrintReads } from '../store/read/print-reads.js'
import type { Journal } from '../store/journal.js'
import type { Logger } from '../log.js'
import { Tally } from '../log-tally.js'
import type { Module } from '../lifecycle.js'
import { PrintRenderError, renderEscPos, type PrinterProfile } from '../../drivers/printer/escpos/encoder.js'
import type { PrintDocument } from '../../drivers/printer/escpos/document.js'
import type { StatusReading } from '../../drivers/printer/escpos-printer.js'
import type { PrinterState } from '../../drivers/printer/escpos/status.js'

export interface PrinterHandle {
  status(): Promise<StatusReading>
  print(bytes: Buffer): Promise<void>
  close(): Promise<void>
}

/** Opens the printer's transport; rejects (DeviceOpenError) when it is not there. */
export type PrinterConnector = () => Promise<PrinterHandle>

export interface PrintQueueStatus {
  id: string
  state: PrinterState | 'disconnected'
  problem: string | null
  queued: number
  since: string
}

export interface PrinterStateChange {
  printerId: string
  state: PrintQueueStatus['state']
  problem: string | null
  at: string
}

const PRINTABLE: PrinterState[] = ['online', 'paper_near_end']

export class PrintQueue implements Module {
  readonly name: string
  private handle: PrinterHandle | null = null
  private stopping = false
  private running: Promise<void> | null = null
  private wakeUp: (() => void) | null = null
  private current: Omit<PrintQueueStatus, 'id' | 'queued'> = {
    state: 'disconnected',
    problem: 'not connected yet',
    since: new Date().toISOString(),
  }

  private readonly tally: Tally
  private readonly reads: PrintReads

  constructor(
    readonly id: string,
    private readonly profile: PrinterProfile,
    private readonly connect: PrinterConnector,
    private readonly journal: Journal,
    private readonly opts: { pollMs: number; retryMs: number; onState?: (change: PrinterStateChange) => void },
    private readonly log: Logger,
  ) {
    this.tally = new Tally(log, 'printed in the last minute')
    this.reads = new PrintReads(journal)
    this.name = `printer:${id}`
  }

  async start(): Promise<void> {
    const { result } = await this.journal.execute('print.recover', { printer: this.id })
    if (result.interrupted.length)
      this.log.warn(
        { jobs: result.interrupted },
        'jobs interrupted by a restart while printing: reprint or cancel them',
      )
    this.running = this.loop()
  }

  async stop(): Promise<void> {
    this.stopping = true
    this.wakeUp?.()
    await this.running
    await this.handle?.close().catch(() => undefined)
    this.handle = null
  }

  /**
   * Stores a job; resolves with its id once durable. Rendering is tried first, so a
   * document this printer cannot print (unencodable text, QR too large) is refused now.
   */
  async enqueue(
    document: PrintDocument,
    kind: string,
    requestKey: string | null = null,
    reprintOf: string | null = null,
    by?: string,
  ): Promise<{ jobId: string; repeated: boolean; state: string }> {
    renderEscPos(document, this.profile)
    const { result } = await this.journal.execute('print.enqueue', {
      printer: this.id,
      kind,
      document: JSON.stringify(document),
      requestKey,
      reprintOf,
      ...(by === undefined ? {} : { by }),
    })
    this.wakeUp?.()
    return result
  }

  status(): PrintQueueStatus {
    const queued = this.reads.queuedCount(this.id)
    return { id: this.id, queued, ...this.current }
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      try {
        const job = this.reads.nextQueued(this.id)
        const printer = await this.connected()
        const reading = printer ? await printer.status() : null
        if (reading) this.setState(reading.state, reading.problem)
        // A printer that stopped answering may have gone away: reconnect on the next round.
        if (reading?.problem === 'no_answer') await this.drop('no answer to status request')
        if (!job || !printer || !reading || !PRINTABLE.includes(reading.state)) {
          await this.sleep(job ? this.opts.retryMs : this.opts.pollMs)
          continue
        }
        await this.printJob(printer, job.id, JSON.parse(job.document) as PrintDocument)
      } catch (err) {
        this.log.error({ err }, 'print loop failed; retrying')
        await this.sleep(this.opts.retryMs)
      }
    }
  }

  private async printJob(printer: PrinterHandle, jobId: string, document: PrintDocument): Promise<void> {
    let bytes: Buffer
    try {
      bytes = renderEscPos(document, this.profile)
    } catch (err) {
      if (!(err instanceof PrintRenderError)) throw err
      await this.move(jobId, 'queued', 'failed', `${err.code}: ${err.message}`)
      return
    }
    if (!(await this.move(jobId, 'queued', 'printing', null))) return // cancelled meanwhile
    try {
      await printer.print(bytes)
    } catch (err) {
      // Some, all or none of it may have reached the printer before the link went.
      await this.drop(`write failed: ${(err as Error).message}`)
      await this.interrupted(jobId, `write failed (${(err as Error).message}); part of the slip may be printed`)
      return
    }
    const after = await printer.status()
    this.setState(after.state, after.problem)
    if (PRINTABLE.includes(after.state)) {
      await this.move(jobId, 'printing', 'done', null)
      this.log.debug({ jobId }, 'printed')
      this.tally.add('printed')
    } else {
      if (after.problem === 'no_answer') await this.drop('no answer to status request')
      await this.interrupted(
        jobId,
        `printer ${after.state}${after.problem ? ` (${after.problem})` : ''} right after printing; the slip may or may not be complete`,
      )
    }
  }

  private async interrupted(jobId: string, why: string): Promise<void> {
    await this.move(jobId, 'printing', 'interrupted', why)
    this.log.warn({ jobId, why }, 'print outcome unknown: job interrupted, reprint it if the slip is not there')
  }

  private async move(
    jobId: string,
    from: 'queued' | 'printing',
    to: 'printing' | 'queued' | 'done' | 'failed' | 'cancelled' | 'interrupted',
    error: string | null,
  ): Promise<boolean> {
    const { result } = await this.journal.execute('print.transition', { jobId, from, to, error })
    return result.moved
  }

  private async connected(): Promise<PrinterHandle | null> {
    if (this.handle) return this.handle
    try {
      this.handle = await this.connect()
      return this.handle
    } catch (err) {
      this.setState('disconnected', (err as Error).message)
      return null
    }
  }

  private async drop(problem: string): Promise<void> {
    const h = this.handle
    this.handle = null
    this.setState('disconnected', problem)
    await h?.close().catch(() => undefined)
  }

  private setState(state: PrintQueueStatus['state'], problem: string | null): void {
    if (state === this.current.state && problem === this.current.problem) return
    this.log.info({ state, problem }, 'printer state')
    this.current = { state, problem, since: new Date().toISOString() }
    this.opts.onState?.({ printerId: this.id, state, problem, at: this.current.since })
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        resolve()
      }
      this.wakeUp = () => {
        this.wakeUp = null
        done()
      }
    })
  }
}
