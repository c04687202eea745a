/**
 * QR codes for printing, from `qrcode`'s core (its renderers pull in PNG and terminal
 * code the gateway never uses). Loaded on first use, so a gateway that prints no QR
 * code — or prints them natively — does not pay for the module at start.
 *
 * `qrModules` sizes a QR code without building it: the smallest version whose byte-mode
 * capacity holds the data. Byte mode is the worst case, so if it fits the paper, what
 * the printer's own encoder makes fits too. Building a matrix costs ~1.3 ms (mask
 * selection); the lookup costs microseconds, which matters at thousands of slips/s.
 */
import { createRequire } from 'node:module'

export type QrLevel = 'L' | 'M' | 'Q' | 'H'

export interface QrMatrix {
  size: number
  get(row: number, col: number): number | boolean
}

const requireCjs = createRequire(import.meta.url)
let capacity: Record<QrLevel, number[]> | null = null

/** Byte-mode capacity per version, from qrcode's tables (pinned version; test/printer checks known values). */
function capacities(): Record<QrLevel, number[]> {
  if (capacity) return capacity
  const version = requireCjs('qrcode/lib/core/version') as {
    getCapacity(v: number, ecl: unknown, mode: unknown): number
  }
  const mode = requireCjs('qrcode/lib/core/mode') as { BYTE: unknown }
  const ecLevels = requireCjs('qrcode/lib/core/error-correction-level') as Record<QrLevel, unknown>
  const table: Record<QrLevel, number[]> = { L: [], M: [], Q: [], H: [] }
  for (const level of ['L', 'M', 'Q', 'H'] as const) {
    for (let v = 1; v <= 40; v++) table[level].push(version.getCapacity(v, ecLevels[level], mode.BYTE))
  }
  return (capacity = table)
}

/** Modules per side including the 4-module quiet zone, or null when the data does not fit any QR version. */
export function qrModules(data: string, level: QrLevel): number | null {
  const bytes = Buffer.byteLength(data, 'utf8')
  const v = capacities()[level].findIndex((cap) => cap >= bytes) + 1
  return v === 0 ? null : 17 + 4 * v + 8
}

export function byteCapacity(versionNumber: number, level: QrLevel): number {
  return capacities()[level][versionNumber - 1]!
}

/** The QR matrix (without quiet zone), or null when the data does not fit. */
export function qrMatrix(data: string, level: QrLevel): QrMatrix | null {
  const core = requireCjs('qrcode/lib/core/qrcode') as {
    create(data: string, opts: { errorCorrectionLevel: QrLevel }): { modules: QrMatrix }
  }
  try {
    return core.create(data, { errorCorrectionLevel: level }).modules
  } catch {
    return null
  }
}
