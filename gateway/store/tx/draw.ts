/**
 * The prize draw, commit–reveal style. Each day has a random seed whose SHA-256 is
 * journaled (and so sent to the cloud) before the day's first draw; draw n of the day is
 * decided by HMAC-SHA256(seed, "day:n") over the weights at that moment. The draw order
 * is fixed by n, so once the hash is out no draw can be picked after the fact, and after
 * the day anyone given the seed can re-run every draw (verifyDraw).
 */
import { createHash, createHmac } from 'node:crypto'

/** The prize every play can win; it has no stock and never runs out. */
export const CONSOLATION = 'consolation'

export type Weights = [prizeId: string, weight: number][]

export function commitmentOf(seed: Buffer): string {
  return createHash('sha256').update(seed).digest('hex')
}

/** A number in [0, 1) from the day's seed and the draw number (48 bits: ample for any stock). */
export function drawFraction(seed: Buffer, day: string, draw: number): number {
  const mac = createHmac('sha256', seed).update(`${day}:${draw}`).digest()
  return mac.readUIntBE(0, 6) / 2 ** 48
}

/** The prize the fraction lands on, walking the weights in their given order. */
export function pickPrize(weights: Weights, fraction: number): string {
  const total = weights.reduce((sum, [, w]) => sum + w, 0)
  if (total <= 0) throw new Error('nothing to draw: every weight is zero')
  let target = Math.floor(fraction * total)
  for (const [id, w] of weights) {
    if (target < w) return id
    target -= w
  }
  return weights.at(-1)![0] // unreachable: fraction < 1
}

export interface RecordedDraw {
  day: string
  draw: number
  weights: Weights
  prizeId: string
}

/** Re-runs a recorded draw from the revealed seed; true when it lands on the recorded prize. */
export function verifyDraw(seed: Buffer, commitment: string, d: RecordedDraw): boolean {
  return commitmentOf(seed) === commitment && pickPrize(d.weights, drawFraction(seed, d.day, d.draw)) === d.prizeId
}
