/**
 * The sliding-window limiter: the limit holds inside the window, tries leave it one by one,
 * and a refusal says when.
 */
import { describe, expect, it } from 'vitest'
import { RateLimiter } from '../../gateway/auth/rate-limiter.js'

describe('RateLimiter', () => {
  it('allows `limit` tries per window, refuses the next with the seconds until the oldest leaves', () => {
    const limiter = new RateLimiter(3, 60_000)
    expect([0, 10_000, 20_000].map((t) => limiter.take('k', t).ok)).toEqual([true, true, true])
    expect(limiter.take('k', 30_000)).toEqual({ ok: false, retryAfterSeconds: 30 })
    // A refusal is not a try: once the first try has left the window, one more is allowed.
    expect(limiter.take('k', 59_999)).toEqual({ ok: false, retryAfterSeconds: 1 })
    expect(limiter.take('k', 60_000)).toEqual({ ok: true })
    expect(limiter.take('k', 60_001)).toEqual({ ok: false, retryAfterSeconds: 10 })
    // Other keys are counted apart; the next two leave one by one.
    expect(limiter.take('other', 60_001)).toEqual({ ok: true })
    expect(limiter.take('k', 70_000).ok).toBe(true)
    expect(limiter.take('k', 70_001).ok).toBe(false)
  })

  it('slides through many windows of a busy key without ever letting more than the limit in', () => {
    const limiter = new RateLimiter(720, 3_600_000)
    const accepted: number[] = []
    for (let t = 0; t < 3 * 3_600_000; t += 2_500) if (limiter.take('kiosk', t).ok) accepted.push(t)
    for (let i = 720; i < accepted.length; i++)
      expect(accepted[i]! - accepted[i - 720]!).toBeGreaterThanOrEqual(3_600_000)
    expect(accepted.length).toBeGreaterThanOrEqual(3 * 720 - 1)
  })
})
