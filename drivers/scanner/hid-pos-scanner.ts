/** A USB HID POS scanner (usage page 0x8C): reports → assembled scans. */
import type { Logger } from 'pino'
import type { HidPosTransportConfig } from '../../config/schema.js'
import type { HidBinding, HidConnection } from '../bindings/hid.js'
import { HidPosAssembler } from './hid-pos-decoder.js'
import { decodeFrame, type DecodeOptions } from './decode.js'
import type { ScannerDriver, ScannerEvents } from './types.js'

const MAX_SCAN_BYTES = 8192

export class HidPosScanner implements ScannerDriver {
  readonly transport = 'hid-pos'
  private conn: HidConnection | null = null
  private readonly assembler = new HidPosAssembler(MAX_SCAN_BYTES)

  constructor(
    private readonly config: HidPosTransportConfig,
    private readonly decode: Omit<DecodeOptions, 'encoding' | 'symbologyIds'>,
    private readonly events: ScannerEvents,
    private readonly binding: HidBinding,
    private readonly log: Logger,
  ) {}

  async open(): Promise<void> {
    const { vendorId, productId, serialNumber } = this.config
    const conn = await this.binding.open({ vendorId, productId, serialNumber, driver: 'hidraw' })
    this.conn = conn
    conn.onReport((report) => this.onReport(report))
    conn.onClose((err) => {
      if (this.conn !== conn) return
      this.conn = null
      this.dropPartial()
      this.events.disconnect(err)
    })
  }

  async close(): Promise<void> {
    const conn = this.conn
    this.conn = null
    this.dropPartial()
    await conn?.close()
  }

  /** Public so recorded reports can be replayed through the real decoding path. */
  onReport(report: Buffer): void {
    this.log.trace({ report: report.toString('hex') }, 'rx')
    const piece = this.assembler.push(report)
    if (!piece) return
    if ('rejected' in piece) return this.events.reject(piece.rejected)
    const aim = piece.scan.aimId ? Buffer.from(piece.scan.aimId, 'latin1') : Buffer.alloc(0)
    const result = decodeFrame(Buffer.concat([aim, piece.scan.bytes]), {
      ...this.decode,
      encoding: this.config.encoding,
      symbologyIds: 'aim',
    })
    if (result.ok) this.events.scan(result.read)
    else this.events.reject(result.rejected)
  }

  private dropPartial(): void {
    const held = this.assembler.reset()
    if (held > 0) this.events.reject({ reason: 'partial_frame', detail: 'device went away mid-scan', bytes: held })
  }
}
