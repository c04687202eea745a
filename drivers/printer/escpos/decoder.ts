/**
 * ESC/POS bytes → what a printer would put on paper: text lines with their style, QR
 * payloads, raster images, barcodes, cuts, drawer kicks, and status requests to answer.
 * The virtual printer runs it, so tests assert on what a real printer would print.
 * Streaming: a command split across chunks waits for its remaining bytes. Commands it
 * does not know are reported (with their offset), never silently skipped as text.
 */
import iconv from 'iconv-lite'
import { CODE_PAGES, DLE, ESC, FS, GS, LF, type CodePage } from './commands.js'
import type { Align } from './document.js'

export type Printed =
  | { type: 'text'; text: string; align: Align; bold: boolean; size: 1 | 2 }
  | { type: 'qr'; data: string; size: number; level: 'L' | 'M' | 'Q' | 'H'; align: Align }
  | { type: 'raster'; width: number; height: number; bits: Uint8Array; align: Align }
  | { type: 'barcode'; system: number; data: string }
  | { type: 'feed'; lines: number }
  | { type: 'cut' }
  | { type: 'drawer' }
  | { type: 'init' }
  | { type: 'status_request'; n: number }
  | { type: 'unknown'; bytes: string; offset: number }

const ALIGNS: Align[] = ['left', 'center', 'right']
const LEVELS = ['L', 'M', 'Q', 'H'] as const
const PAGE_BY_NUMBER = new Map<number, CodePage>(Object.entries(CODE_PAGES).map(([k, v]) => [v, k as CodePage]))
/** ESC/GS/FS commands that only set things the paper does not show (spacing, fonts, margins): byte count after the prefix. */
const IGNORED: Record<number, Record<number, number>> = {
  [ESC]: { 0x20: 1, 0x21: 1, 0x2d: 1, 0x32: 0, 0x33: 1, 0x4d: 1, 0x7b: 1, 0x47: 1, 0x52: 1 },
  [GS]: { 0x42: 1, 0x4c: 2, 0x57: 2, 0x61: 1, 0x68: 1, 0x77: 1, 0x48: 1, 0x66: 1 },
  [FS]: { 0x2d: 1, 0x43: 1, 0x53: 2, 0x57: 1 },
}

export class EscPosDecoder {
  private buf: Buffer = Buffer.alloc(0)
  private consumed = 0
  private line: number[] = []
  private align: Align = 'left'
  private bold = false
  private size: 1 | 2 = 1
  private chinese = false
  private codePage: CodePage = 'cp437'
  private qr = { data: '', size: 3, level: 'M' as (typeof LEVELS)[number] }

  /** Feeds bytes; returns what they completed. */
  push(chunk: Buffer): Printed[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk
    const out: Printed[] = []
    let i = 0
    while (i < this.buf.length) {
      const used = this.step(i, out)
      if (used === 0) break // incomplete command: wait for more bytes
      i += used
    }
    this.consumed += i
    this.buf = this.buf.subarray(i)
    return out
  }

  /** Parses one element at `i`; returns the bytes used, 0 if more are needed. */
  private step(i: number, out: Printed[]): number {
    const b = this.buf
    const avail = b.length - i
    const c = b[i]!
    if (c === LF) {
      out.push({
        type: 'text',
        text: iconv.decode(Buffer.from(this.line), this.chinese ? 'gb18030' : this.codePage),
        align: this.align,
        bold: this.bold,
        size: this.size,
      })
      this.line = []
      return 1
    }
    if (c === 0x0d) return 1
    if (c !== ESC && c !== GS && c !== FS && c !== DLE) {
      if (c < 0x20) out.push({ type: 'unknown', bytes: c.toString(16), offset: this.consumed + i })
      else this.line.push(c)
      return 1
    }
    if (avail < 2) return 0
    const op = b[i + 1]!
    const arg = (k: number) => b[i + 2 + k]!
    const need = (n: number) => avail >= 2 + n
    const ignored = IGNORED[c]?.[op]
    if (ignored !== undefined) return need(ignored) ? 2 + ignored : 0
    if (c === ESC) {
      switch (op) {
        case 0x40:
          this.reset()
          out.push({ type: 'init' })
          return 2
        case 0x61:
          if (!need(1)) return 0
          this.align = ALIGNS[arg(0) % 48] ?? 'left'
          return 3
        case 0x45:
          if (!need(1)) return 0
          this.bold = (arg(0) & 1) === 1
          return 3
        case 0x64:
          if (!need(1)) return 0
          out.push({ type: 'feed', lines: arg(0) })
          return 3
        case 0x74:
          if (!need(1)) return 0
          this.codePage = PAGE_BY_NUMBER.get(arg(0)) ?? 'cp437'
          return 3
        case 0x70:
          if (!need(3)) return 0
          out.push({ type: 'drawer' })
          return 5
      }
    } else if (c === GS) {
      switch (op) {
        case 0x21:
          if (!need(1)) return 0
          this.size = (arg(0) & 0x0f) > 0 ? 2 : 1
          return 3
        case 0x56: {
          if (!need(1)) return 0
          const extra = arg(0) === 65 || arg(0) === 66 ? 1 : 0
          if (!need(1 + extra)) return 0
          out.push({ type: 'cut' })
          return 3 + extra
        }
        case 0x28: {
          if (!need(3)) return 0
          const len = arg(1) | (arg(2) << 8)
          if (!need(3 + len)) return 0
          if (arg(0) === 0x6b) this.qrFunction(b.subarray(i + 5, i + 5 + len), out)
          else if (arg(0) !== 0x4c && arg(0) !== 0x41)
            out.push({ type: 'unknown', bytes: `1d28${arg(0).toString(16)}`, offset: this.consumed + i })
          return 5 + len
        }
        case 0x76: {
          if (!need(6)) return 0
          const rowBytes = arg(2) | (arg(3) << 8)
          const height = arg(4) | (arg(5) << 8)
          if (!need(6 + rowBytes * height)) return 0
          const data = b.subarray(i + 8, i + 8 + rowBytes * height)
          const width = rowBytes * 8
          const bits = new Uint8Array(width * height)
          for (let p = 0; p < bits.length; p++) bits[p] = (data[p >> 3]! >> (7 - (p & 7))) & 1
          out.push({ type: 'raster', width, height, bits, align: this.align })
          return 8 + rowBytes * height
        }
        case 0x6b: {
          if (!need(2)) return 0
          const n = arg(1)
          if (!need(2 + n)) return 0
          out.push({
            type: 'barcode',
            system: arg(0),
            data: b
              .subarray(i + 4, i + 4 + n)
              .toString('latin1')
              .replace(/^\{B/, ''),
          })
          return 4 + n
        }
        case 0x38: {
          // GS 8 L p1 p2 p3 p4 …: extended graphics data (receiptline's raster path); its length is 32-bit.
          if (!need(5)) return 0
          const len = arg(1) | (arg(2) << 8) | (arg(3) << 16) | (arg(4) << 24)
          return need(5 + len) ? 7 + len : 0
        }
      }
    } else if (c === FS) {
      if (op === 0x26) return ((this.chinese = true), 2)
      if (op === 0x2e) return ((this.chinese = false), 2)
      if (op === 0x28) {
        if (!need(3)) return 0
        const len = arg(1) | (arg(2) << 8)
        return need(3 + len) ? 5 + len : 0
      }
    } else if (c === DLE && op === 0x04) {
      if (!need(1)) return 0
      out.push({ type: 'status_request', n: arg(0) })
      return 3
    }
    out.push({ type: 'unknown', bytes: b.subarray(i, i + 2).toString('hex'), offset: this.consumed + i })
    return 2
  }

  private qrFunction(p: Buffer, out: Printed[]): void {
    const fn = p[1]
    if (fn === 0x43) this.qr.size = p[2]!
    else if (fn === 0x45) this.qr.level = LEVELS[p[2]! - 48] ?? 'M'
    else if (fn === 0x50) this.qr.data = p.subarray(3).toString('utf8')
    else if (fn === 0x51)
      out.push({ type: 'qr', data: this.qr.data, size: this.qr.size, level: this.qr.level, align: this.align })
  }

  private reset(): void {
    this.line = []
    this.align = 'left'
    this.bold = false
    this.size = 1
    this.chinese = false
    this.codePage = 'cp437'
  }
}
