/**
 * Talks to one ESC/POS printer over a PrinterPort: real-time status and printing.
 * Status asks DLE EOT 1..4 one at a time and reads one byte each; no answer within the
 * timeout is `offline` (no_answer), a byte that is not a status byte is `error` (garbage).
 */
import type { PrinterPort } from './bindings/printer-port.js'
import { statusRequest } from './escpos/commands.js'
import { isStatusByte, parseStatus, type PrinterCondition, type PrinterState } from './escpos/status.js'

export interface StatusReading {
  state: PrinterState
  condition: PrinterCondition | null
  /** Why there is no condition: the printer said nothing, something that is not a status, or it has no back channel. */
  problem: 'no_answer' | 'garbage' | 'no_status_channel' | null
}

export class EscPosPrinter {
  private pending: ((byte: number | null) => void) | null = null
  private busy: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly port: PrinterPort,
    private readonly statusTimeoutMs: number,
    /** False for printers that cannot answer (one-way USB/parallel): they are assumed online and print blind. */
    private readonly statusChannel = true,
  ) {
    port.onData((chunk) => {
      // One byte answers the request in flight; unsolicited bytes (auto status back) are dropped.
      if (this.pending && chunk.length > 0) {
        const resolve = this.pending
        this.pending = null
        resolve(chunk[0]!)
      }
    })
  }

  /** Status now; requests are serialised with prints so answers never interleave. */
  status(): Promise<StatusReading> {
    if (!this.statusChannel) return Promise.resolve({ state: 'online', condition: null, problem: 'no_status_channel' })
    return this.serial(async () => {
      const bytes = {} as Record<1 | 2 | 3 | 4, number>
      for (const n of [1, 2, 3, 4] as const) {
        const answer = await this.ask(n)
        if (answer === null) return { state: 'offline', condition: null, problem: 'no_answer' }
        if (!isStatusByte(answer)) return { state: 'error', condition: null, problem: 'garbage' }
        bytes[n] = answer
      }
      return { ...parseStatus(bytes), problem: null }
    })
  }

  print(bytes: Buffer): Promise<void> {
    return this.serial(() => this.port.write(bytes))
  }

  close(): Promise<void> {
    return this.port.close()
  }

  private ask(n: 1 | 2 | 3 | 4): Promise<number | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending = null
        resolve(null)
      }, this.statusTimeoutMs)
      this.pending = (byte) => {
        clearTimeout(timer)
        resolve(byte)
      }
      this.port.write(Buffer.from(statusRequest(n))).catch(() => {
        clearTimeout(timer)
        this.pending = null
        resolve(null)
      })
    })
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.busy.then(fn, fn)
    this.busy = run.catch(() => undefined)
    return run
  }
}
