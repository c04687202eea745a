/**
 * Real-time status (DLE EOT n) in UnifiedPOS terms. Each answer is one byte whose bit 1
 * and bit 4 are set and bits 0 and 7 clear — anything else is garbage, not a status.
 *   n=1 printer:      bit 3 offline
 *   n=2 offline cause: bit 2 cover open, bit 5 stopped at paper end, bit 6 error
 *   n=3 error cause:   bit 3 auto-cutter, bit 5 unrecoverable, bit 6 auto-recoverable
 *   n=4 paper sensor:  bits 2–3 near end, bits 5–6 paper end
 */
export type PrinterState = 'online' | 'paper_near_end' | 'paper_out' | 'cover_open' | 'offline' | 'error'

export interface PrinterCondition {
  coverOpen: boolean
  paperOut: boolean
  paperNearEnd: boolean
  error: boolean
}

export const HEALTHY: PrinterCondition = { coverOpen: false, paperOut: false, paperNearEnd: false, error: false }

export function isStatusByte(b: number): boolean {
  return (b & 0x93) === 0x12
}

/** The four bytes a printer in `c` answers to DLE EOT 1..4 (the virtual printer uses this). */
export function statusBytes(c: PrinterCondition): Record<1 | 2 | 3 | 4, number> {
  const offline = c.coverOpen || c.paperOut || c.error
  return {
    1: 0x12 | (offline ? 0x08 : 0),
    2: 0x12 | (c.coverOpen ? 0x04 : 0) | (c.paperOut ? 0x20 : 0) | (c.error ? 0x40 : 0),
    3: 0x12 | (c.error ? 0x20 : 0),
    4: 0x12 | (c.paperNearEnd || c.paperOut ? 0x0c : 0) | (c.paperOut ? 0x60 : 0),
  }
}

/** Reads the four answers back into a condition and the single state to report. */
export function parseStatus(bytes: Record<1 | 2 | 3 | 4, number>): {
  state: PrinterState
  condition: PrinterCondition
} {
  for (const n of [1, 2, 3, 4] as const) {
    if (!isStatusByte(bytes[n]))
      throw new RangeError(`DLE EOT ${n} answer 0x${bytes[n].toString(16)} is not a status byte`)
  }
  const condition: PrinterCondition = {
    coverOpen: (bytes[2] & 0x04) !== 0,
    paperOut: (bytes[2] & 0x20) !== 0 || (bytes[4] & 0x60) !== 0,
    paperNearEnd: (bytes[4] & 0x0c) !== 0,
    error: (bytes[2] & 0x40) !== 0 || (bytes[3] & 0x68) !== 0,
  }
  const offline = (bytes[1] & 0x08) !== 0
  const state: PrinterState = condition.error
    ? 'error'
    : condition.coverOpen
      ? 'cover_open'
      : condition.paperOut
        ? 'paper_out'
        : offline
          ? 'offline'
          : condition.paperNearEnd
            ? 'paper_near_end'
            : 'online'
  return { state, condition }
}
