/**
 * All printers of the store: a durable queue per printer, the jobs' lookup, reprint,
 * cancel and preview. Callers (kiosk, till, admin API) get a job id at once.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Config, PrinterConfig } from '../../config/schema.js'
import { PrintReads, type PrintJob } from '../store/read/print-reads.js'
import type { Journal } from '../store/journal.js'
import { moduleLogger, type Logger } from '../log.js'
import type { Module } from '../lifecycle.js'
import { CodedError } from '../../config/coded-error.js'
import type { SerialBinding } from '../../drivers/bindings/serial.js'
import { printerConnector, printerProfile } from '../../drivers/printer/create-printer.js'
import type { PrintDocument } from '../../drivers/printer/escpos/document.js'
import { VirtualPrinter, receiptText } from '../../drivers/printer/virtual-printer.js'
import { PrintQueue, type PrintQueueStatus, type PrinterStateChange } from './print-queue.js'
import { documentPreview, previewSvg } from './preview.js'

export class PrintError extends CodedError<
  'unknown_printer' | 'no_printer_for_role' | 'unknown_job' | 'not_cancellable'
> {
  override readonly name = 'PrintError'
}

export type { PrintJob }

export class PrintService implements Module {
  readonly name = 'printers'
  private readonly queues = new Map<string, { queue: PrintQueue; config: PrinterConfig }>()
  /** The in-process printers behind `simulator` transports, by printer id. */
  readonly simulators = new Map<string, VirtualPrinter>()
  private started: PrintQueue[] = []

  private readonly reads: PrintReads

  constructor(
    config: Pick<Config, 'printers' | 'dataDir'>,
    private readonly journal: Journal,
    serial: SerialBinding,
    log: Logger,
    onState?: (change: PrinterStateChange) => void,
  ) {
    this.reads = new PrintReads(journal)
    for (const p of config.printers) {
      const simulator = () => this.simulatorFor(p, join(config.dataDir, 'print-sim'))
      const queue = new PrintQueue(
        p.id,
        printerProfile(p),
        printerConnector(p, serial, simulator),
        journal,
        { pollMs: p.pollMs, retryMs: Math.min(1000, p.pollMs), onState },
        moduleLogger(log, 'drivers:printer', { printerId: p.id }),
      )
      this.queues.set(p.id, { queue, config: p })
    }
  }

  async start(): Promise<void> {
    for (const { queue } of this.queues.values()) {
      await queue.start()
      this.started.push(queue)
    }
  }

  async stop(): Promise<void> {
    for (const q of this.started.splice(0).reverse()) await q.stop()
  }

  printers(): PrintQueueStatus[] {
    return [...this.queues.values()].map(({ queue }) => queue.status())
  }

  /** The first printer configured for a role (the kiosk's, the till's). */
  printerFor(role: 'till' | 'kiosk'): string {
    const found = [...this.queues.values()].find(({ config }) => config.role === role)
    if (!found) throw new PrintError('no_printer_for_role', `no printer has role ${role}`)
    return found.config.id
  }

  profileOf(printerId: string) {
    return printerProfile(this.entry(printerId).config)
  }

  enqueue(
    printerId: string,
    doc: PrintDocument,
    kind: string,
    requestKey: string | null = null,
  ): Promise<{ jobId: string; repeated: boolean; state: string }> {
    return this.entry(printerId).queue.enqueue(doc, kind, requestKey)
  }

  job(id: string): PrintJob {
    const row = this.reads.job(id)
    if (!row) throw new PrintError('unknown_job', `no print job ${id}`)
    return row
  }

  /** A printer's latest jobs and every interrupted one, newest first (the back office's queue). */
  jobs(printerId: string, limit = 30): PrintJob[] {
    this.entry(printerId)
    return this.reads.latest(printerId, limit)
  }

  preview(id: string): string {
    const job = this.job(id)
    return documentPreview(this.documentOf(id), this.profileOf(job.printer))
  }

  /** `by`: who asked (admin:<user>, pos:<name>), journaled with the new job. */
  async reprint(id: string, by?: string): Promise<{ jobId: string }> {
    const job = this.job(id)
    const { jobId } = await this.entry(job.printer).queue.enqueue(this.documentOf(id), job.kind, null, id, by)
    return { jobId }
  }

  async cancel(id: string, by?: string): Promise<PrintJob> {
    const job = this.job(id)
    if (job.state !== 'queued' && job.state !== 'interrupted')
      throw new PrintError(
        'not_cancellable',
        `job ${id} is ${job.state}; only queued or interrupted jobs can be cancelled`,
      )
    const { result } = await this.journal.execute('print.transition', {
      jobId: id,
      from: job.state,
      to: 'cancelled',
      error: null,
      ...(by === undefined ? {} : { by }),
    })
    if (!result.moved) throw new PrintError('not_cancellable', `job ${id} changed state meanwhile`)
    return this.job(id)
  }

  private documentOf(id: string): PrintDocument {
    const document = this.reads.document(id)
    if (document === null) throw new PrintError('unknown_job', `no print job ${id}`)
    return JSON.parse(document) as PrintDocument
  }

  private entry(printerId: string) {
    const e = this.queues.get(printerId)
    if (!e) throw new PrintError('unknown_printer', `no printer "${printerId}" is configured`)
    return e
  }

  /**
   * The simulator keeps each slip it printed in dataDir/print-sim/, as text and as an SVG
   * picture of what it received, so development shows what came out.
   */
  private simulatorFor(printer: PrinterConfig, dir: string): VirtualPrinter {
    let sim = this.simulators.get(printer.id)
    if (!sim) {
      const made = new VirtualPrinter()
      const profile = printerProfile(printer)
      let n = 0
      mkdirSync(dir, { recursive: true })
      made.on('receipt', (r) => {
        const base = join(dir, `${printer.id}-${new Date().toISOString().replace(/[:.]/g, '-')}-${++n}`)
        writeFileSync(`${base}.txt`, `${receiptText(r).join('\n')}\n`)
        writeFileSync(`${base}.svg`, previewSvg(r.items, profile))
      })
      this.simulators.set(printer.id, made)
      sim = made
    }
    return sim
  }
}
