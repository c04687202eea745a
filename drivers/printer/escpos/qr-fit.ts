/**
 * How big a QR code will print, without building it: the smallest version whose byte-mode
 * capacity holds the data. Byte mode is the worst case, so if it fits the paper, what
 * the printer's own encoder makes fits too. Building a matrix costs ~1.3 ms (mask
 * selection); this lookup costs microseconds, which matters at thousands of slips/s.
 */
import { createRequire } from 'node:module'

// The capacity tables live in qrcode's core modules (pinned version; test/printer checks known capacities).
const requireCjs = createRequire(import.meta.url)
const version = requireCjs('qrcode/lib/core/version') as { getCapacity(v: number, ecl: unknown, mode: unknown): number }
const mode = requireCjs('qrcode/lib/core/mode') as { BYTE: unknown }
const ecLevels = requireCjs('qrcode/lib/core/error-correction-level') as Record<'L' | 'M' | 'Q' | 'H', unknown>

export type QrLevel = 'L' | 'M' | 'Q' | 'H'

const CAPACITY: Record<QrLevel, number[]> = { L: [], M: [], Q: [], H: [] }
for (const level of ['L', 'M', 'Q', 'H'] as const) {
  for (let v = 1; v <= 40; v++) CAPACITY[level].push(version.getCapacity(v, ecLevels[level], mode.BYTE))
}

/** Modules per side including the 4-module quiet zone, or null when the data does not fit any QR version. */
export function qrModules(data: string, level: QrLevel): number | null {
  const bytes = Buffer.byteLength(data, 'utf8')
  const v = CAPACITY[level].findIndex((cap) => cap >= bytes) + 1
  return v === 0 ? null : 17 + 4 * v + 8
}

export function byteCapacity(versionNumber: number, level: QrLevel): number {
  return CAPACITY[level][versionNumber - 1]!
}
