/**
 * What HID POS and keyboard-wedge scanners share: opening the device through the HID
 * binding, and on an unplug dropping the scan in progress before reporting the disconnect.
 */
import type { Logger } from 'pino'
import type { HidBinding, HidConnection, HidOpenOptions } from '../bindings/hid.js'
import type { ScannerDriver, ScannerEvents } from './types.js'

export abstract class HidScannerBase implements ScannerDriver {
  abstract readonly transport: string
  private conn: HidConnection | null = null

  constructor(
    private readonly device: Omit<HidOpenOptions, 'driver'>,
    private readonly driver: HidOpenOptions['driver'],
    protected readonly events: ScannerEvents,
    private readonly binding: HidBinding,
    protected readonly log: Logger,
  ) {}

  async open(): Promise<void> {
    const { vendorId, productId, serialNumber } = this.device
    const conn = await this.binding.open({ vendorId, productId, serialNumber, driver: this.driver })
    this.conn = conn
    conn.onReport((report) => {
      this.log.trace({ report: report.toString('hex') }, 'rx')
      this.onReport(report)
    })
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

  /** One input report, as the device sent it. */
  protected abstract onReport(report: Buffer): void

  /** Discards a scan in progress; returns how many bytes/characters it held. */
  protected abstract discardPartial(): number

  private dropPartial(): void {
    const held = this.discardPartial()
    // A truncated scan is not a scan: report it, never journal it as one.
    if (held > 0) this.events.reject({ reason: 'partial_frame', detail: 'device went away mid-scan', bytes: held })
  }
}
