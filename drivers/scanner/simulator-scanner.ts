/** A simulated scanner for development: scans come from `inject()` (HTTP) or stdin lines. */
import { createInterface, type Interface } from 'node:readline'
import type { Readable } from 'node:stream'
import { decodeText, type DecodeOptions } from './decode.js'
import type { ScannerDriver, ScannerEvents } from './types.js'

export class SimulatorScanner implements ScannerDriver {
  readonly transport = 'simulator'
  private lines: Interface | null = null
  private open_ = false

  constructor(
    private readonly decode: Omit<DecodeOptions, 'encoding'>,
    private readonly events: ScannerEvents,
    private readonly stdin: Readable | null,
  ) {}

  async open(): Promise<void> {
    this.open_ = true
    if (this.stdin) {
      this.lines = createInterface({ input: this.stdin, crlfDelay: Infinity, terminal: false })
      this.lines.on('line', (line) => this.inject(line))
    }
  }

  async close(): Promise<void> {
    this.open_ = false
    this.lines?.close()
    this.lines = null
  }

  /** Feeds one scan as if the scanner had read it; false when the device is not open. */
  inject(text: string): boolean {
    if (!this.open_) return false
    const result = decodeText(text, this.decode)
    if (result.ok) this.events.scan(result.read)
    else this.events.reject(result.rejected)
    return true
  }
}
