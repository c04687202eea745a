/** A USB HID POS scanner (usage page 0x8C): reports → assembled scans. */
import type { Logger } from 'pino'
import type { HidPosTransportConfig } from '../../config/schema.js'
import type { HidBinding } from '../bindings/hid.js'
import { HidPosAssembler } from './hid-pos-decoder.js'
import { decodeFrame, type DecodeOptions } from './decode.js'
import { HidScannerBase } from './hid-scanner-base.js'
import type { ScannerEvents } from './types.js'

const MAX_SCAN_BYTES = 8192

export class HidPosScanner extends HidScannerBase {
  readonly transport = 'hid-pos'
  private readonly assembler = new HidPosAssembler(MAX_SCAN_BYTES)

  constructor(
    private readonly config: HidPosTransportConfig,
    private readonly decode: Omit<DecodeOptions, 'encoding' | 'symbologyIds'>,
    events: ScannerEvents,
    binding: HidBinding,
    log: Logger,
  ) {
    // hidraw: the kernel does not treat HID POS scanners as keyboards, nothing to detach.
    super(config, 'hidraw', events, binding, log)
  }

  protected onReport(report: Buffer): void {
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

  protected discardPartial(): number {
    return this.assembler.reset()
  }
}
