/**
 * USB HID POS barcode scanner input (HID Point of Sale Usage Tables, usage page 0x8C,
 * "Scanned Data Report"), in the layout Honeywell, Zebra and most Chinese scanners in
 * HID POS mode send:
 *
 *   [0]      report ID (0x02)
 *   [1]      number of data bytes in this report (0..56)
 *   [2..4]   AIM symbology identifier (`]Q1`), zeros when not given
 *   [5..60]  data
 *   [61..62] vendor symbology code
 *   [63]     bit 0 set: more reports follow for the same scan
 *
 * Long codes span several reports; the assembler joins them, bounded by maxBytes.
 */
import type { RejectedInput } from './types.js'

export const HID_POS_REPORT_ID = 0x02
const DATA_OFFSET = 5
const MAX_DATA_PER_REPORT = 56
const CONTINUATION_OFFSET = 63

export type HidPosPiece = { scan: { aimId: string | null; bytes: Buffer } } | { rejected: RejectedInput }

export class HidPosAssembler {
  private parts: Buffer[] = []
  private size = 0
  private aimId: string | null = null
  private overflowed = 0

  constructor(private readonly maxBytes: number) {}

  push(report: Uint8Array): HidPosPiece | null {
    if (report.length < DATA_OFFSET || report[0] !== HID_POS_REPORT_ID) {
      // Other report IDs (status, attribute reports) are not scans: ignore quietly.
      if (report.length > 0 && report[0] !== HID_POS_REPORT_ID) return null
      return {
        rejected: {
          reason: 'bad_report',
          detail: `report of ${report.length} bytes is too short`,
          bytes: report.length,
        },
      }
    }
    const length = report[1]!
    if (length > MAX_DATA_PER_REPORT || DATA_OFFSET + length > report.length) {
      this.reset()
      return {
        rejected: {
          reason: 'bad_report',
          detail: `data length ${length} does not fit the report`,
          bytes: report.length,
        },
      }
    }
    if (this.size === 0 && this.overflowed === 0) this.aimId = readAim(report)
    const data = Buffer.from(report.subarray(DATA_OFFSET, DATA_OFFSET + length))
    if (this.overflowed > 0 || this.size + data.length > this.maxBytes) {
      this.overflowed += this.size + data.length
      this.parts = []
      this.size = 0
    } else {
      this.parts.push(data)
      this.size += data.length
    }
    const more = report.length > CONTINUATION_OFFSET && (report[CONTINUATION_OFFSET]! & 0x01) === 1
    if (more) return null
    const piece: HidPosPiece =
      this.overflowed > 0
        ? {
            rejected: { reason: 'overflow', detail: `scan longer than ${this.maxBytes} bytes`, bytes: this.overflowed },
          }
        : { scan: { aimId: this.aimId, bytes: Buffer.concat(this.parts, this.size) } }
    this.reset()
    return piece
  }

  get buffered(): number {
    return this.size + this.overflowed
  }

  reset(): number {
    const dropped = this.size + this.overflowed
    this.parts = []
    this.size = 0
    this.overflowed = 0
    this.aimId = null
    return dropped
  }
}

function readAim(report: Uint8Array): string | null {
  if (report[2] !== 0x5d) return null // ']'
  const id = String.fromCharCode(report[2]!, report[3]!, report[4]!)
  return /^\][A-Za-z][0-9A-Za-z]$/.test(id) ? id : null
}

/** The assembler's inverse: scanned-data reports as a scanner sends them, for replay tests. */
export function encodeHidPosReports(data: Buffer, aimId: string | null = null): Buffer[] {
  const reports: Buffer[] = []
  for (let off = 0; off === 0 || off < data.length; off += MAX_DATA_PER_REPORT) {
    const chunk = data.subarray(off, off + MAX_DATA_PER_REPORT)
    const r = Buffer.alloc(64)
    r[0] = HID_POS_REPORT_ID
    r[1] = chunk.length
    if (aimId) r.write(aimId, 2, 'latin1')
    chunk.copy(r, DATA_OFFSET)
    r[CONTINUATION_OFFSET] = off + MAX_DATA_PER_REPORT < data.length ? 1 : 0
    reports.push(r)
  }
  return reports
}
