/** A scanner on a serial port (USB-CDC or RS-232): bytes → frames → scans. */
import type { Logger } from 'pino'
import type { SerialTransportConfig } from '../../config/schema.js'
import type { SerialBinding, SerialConnection } from '../bindings/serial.js'
import { IdleFramer, SuffixFramer, type FramePiece } from './framer.js'
import { decodeFrame, type DecodeOptions } from './decode.js'
import type { ScannerDriver, ScannerEvents } from './types.js'

export class SerialScanner implements ScannerDriver {
  readonly transport = 'serial'
  private conn: SerialConnection | null = null
  private framer: SuffixFramer | IdleFramer | null = null
  private idleTimer: NodeJS.Timeout | null = null

  constructor(
    private readonly config: SerialTransportConfig,
    private readonly decode: Omit<DecodeOptions, 'encoding'>,
    private readonly events: ScannerEvents,
    private readonly binding: SerialBinding,
    private readonly log: Logger,
  ) {}

  async open(): Promise<void> {
    const { path, baudRate, dataBits, parity, stopBits, framing, maxFrameBytes } = this.config
    this.framer = framing === 'idle' ? new IdleFramer(maxFrameBytes) : new SuffixFramer(framing, maxFrameBytes)
    const conn = await this.binding.open({ path, baudRate, dataBits, parity, stopBits })
    this.conn = conn
    conn.onData((chunk) => this.onData(chunk))
    conn.onClose((err) => {
      if (this.conn !== conn) return
      this.conn = null
      this.dropPartial('device went away mid-scan')
      this.events.disconnect(err)
    })
  }

  async close(): Promise<void> {
    const conn = this.conn
    this.conn = null
    this.dropPartial('port closed mid-scan')
    await conn?.close()
  }

  async write(data: Buffer): Promise<void> {
    if (!this.conn) throw new Error('scanner port is not open')
    this.log.trace({ bytes: data.toString('hex') }, 'tx')
    await this.conn.write(data)
  }

  private onData(chunk: Buffer): void {
    this.log.trace({ bytes: chunk.toString('hex') }, 'rx')
    const framer = this.framer
    if (framer instanceof SuffixFramer) {
      for (const piece of framer.push(chunk)) this.emit(piece)
    } else if (framer) {
      framer.push(chunk)
      if (this.idleTimer) clearTimeout(this.idleTimer)
      this.idleTimer = setTimeout(() => {
        this.idleTimer = null
        for (const piece of framer.flush()) this.emit(piece)
      }, this.config.idleGapMs)
    }
  }

  private emit(piece: FramePiece): void {
    if ('overflow' in piece) {
      this.events.reject({
        reason: 'overflow',
        detail: `no frame end within ${this.config.maxFrameBytes} bytes`,
        bytes: piece.overflow,
      })
      return
    }
    const result = decodeFrame(piece.frame, { ...this.decode, encoding: this.config.encoding })
    if (result.ok) this.events.scan(result.read)
    else this.events.reject(result.rejected)
  }

  private dropPartial(why: string): void {
    if (this.idleTimer) {
      clearTimeout(this.idleTimer)
      this.idleTimer = null
    }
    const held = this.framer?.buffered ?? 0
    this.framer?.reset()
    // A truncated scan is not a scan: report it, never journal it as one.
    if (held > 0) this.events.reject({ reason: 'partial_frame', detail: why, bytes: held })
  }
}
