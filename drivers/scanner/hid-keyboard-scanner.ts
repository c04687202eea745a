/**
 * A keyboard-wedge scanner read as raw HID through libusb (which detaches the kernel
 * keyboard driver, so scans never type into the focused window): reports → keys → scans.
 */
import type { Logger } from 'pino'
import type { HidKeyboardTransportConfig } from '../../config/schema.js'
import type { HidBinding } from '../bindings/hid.js'
import { KeyboardReportDecoder } from './hid-keyboard-decoder.js'
import { decodeText, type DecodeOptions } from './decode.js'
import { HidScannerBase } from './hid-scanner-base.js'
import type { ScannerEvents } from './types.js'

const MAX_SCAN_CHARS = 4096

export class HidKeyboardScanner extends HidScannerBase {
  readonly transport = 'hid-keyboard'
  private readonly decoder: KeyboardReportDecoder
  private text = ''
  private overflow = 0
  private unknownKeys: number[] = []

  constructor(
    private readonly config: HidKeyboardTransportConfig,
    private readonly decode: Omit<DecodeOptions, 'encoding'>,
    events: ScannerEvents,
    binding: HidBinding,
    log: Logger,
  ) {
    // libusb: claims the interface and detaches the kernel keyboard driver.
    super(config, 'libusb', events, binding, log)
    this.decoder = new KeyboardReportDecoder(config.layout, config.terminator)
  }

  protected onReport(report: Buffer): void {
    for (const piece of this.decoder.push(report)) {
      if ('text' in piece) {
        if (this.overflow > 0 || this.text.length + piece.text.length > MAX_SCAN_CHARS) {
          this.overflow += this.text.length + piece.text.length
          this.text = ''
        } else {
          this.text += piece.text
        }
      } else if ('unknownKey' in piece) {
        this.unknownKeys.push(piece.unknownKey)
      } else {
        this.endScan()
      }
    }
  }

  private endScan(): void {
    const { text, overflow, unknownKeys } = this
    this.text = ''
    this.overflow = 0
    this.unknownKeys = []
    if (overflow > 0)
      return this.events.reject({
        reason: 'overflow',
        detail: `no Enter within ${MAX_SCAN_CHARS} characters`,
        bytes: overflow,
      })
    if (unknownKeys.length > 0) {
      const keys = unknownKeys.map((k) => `0x${k.toString(16)}`).join(',')
      return this.events.reject({
        reason: 'bad_report',
        detail: `keys not on layout ${this.config.layout}: ${keys}`,
        bytes: text.length,
      })
    }
    const result = decodeText(text, this.decode)
    if (result.ok) this.events.scan(result.read)
    else this.events.reject(result.rejected)
  }

  protected discardPartial(): number {
    const held = this.text.length + this.overflow
    this.text = ''
    this.overflow = 0
    this.unknownKeys = []
    this.decoder.reset()
    return held
  }
}
