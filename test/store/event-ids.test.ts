/** Event ids from the pooled CSPRNG: ULIDs, in order, with every letter of their random part as likely. */
import { describe, expect, it } from 'vitest'
import { decodeTime } from 'ulid'
import { eventIdFactory, pooledRandom } from '../../gateway/store/event-ids.js'

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

describe('event ids', () => {
  it('are ULIDs of the given time, strictly increasing within a millisecond', () => {
    const next = eventIdFactory()
    const ids = Array.from({ length: 1000 }, () => next(1_700_000_000_000))
    for (const id of ids) {
      expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/)
      expect(decodeTime(id)).toBe(1_700_000_000_000)
    }
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
    expect(next(1_700_000_000_001) > ids.at(-1)!).toBe(true)
  })

  it('draws every letter of the random part about equally, across refills of the pool', () => {
    const random = pooledRandom(64) // refilled every 64 draws
    const counts = new Array<number>(CROCKFORD.length).fill(0)
    const draws = 64_000
    for (let i = 0; i < draws; i++) {
      const r = random()
      expect(r).toBeGreaterThanOrEqual(0)
      expect(r).toBeLessThan(1)
      counts[Math.floor(r * CROCKFORD.length)]!++
    }
    // χ² with 31 degrees of freedom: 70 is far beyond p = 0.0001 for a fair source; a stuck
    // or unfilled pool (all zeros, one letter) lands in the tens of thousands.
    const expected = draws / CROCKFORD.length
    const chi2 = counts.reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0)
    expect(chi2).toBeLessThan(70)
  })

  it('gives different ids in two processes’ worth of factories (no shared seed)', () => {
    const a = eventIdFactory()(1_700_000_000_000)
    const b = eventIdFactory()(1_700_000_000_000)
    expect(a).not.toBe(b)
  })
})
