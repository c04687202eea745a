import { afterEach, describe, expect, it, vi } from 'vitest'
import { Tally, flushTallies } from '../../gateway/log-tally.js'
import { captureLogs } from '../helpers/log-capture.js'

describe('Tally: one info line a minute instead of one per item', () => {
  afterEach(() => vi.useRealTimers())

  it('writes the minute’s counts once, then starts again', () => {
    vi.useFakeTimers()
    const { log, lines } = captureLogs('info')
    const tally = new Tally(log, 'vouchers in the last minute')
    for (let i = 0; i < 500; i++) tally.add('issued')
    tally.add('rejected', 3)
    tally.add('bad_signature', 0)
    vi.advanceTimersByTime(59_999)
    expect(lines).toHaveLength(0)
    vi.advanceTimersByTime(1)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ msg: 'vouchers in the last minute', issued: 500, rejected: 3, periodSeconds: 60 })
    expect(lines[0]).not.toHaveProperty('bad_signature')
    tally.add('issued')
    vi.advanceTimersByTime(60_000)
    expect(lines[1]).toMatchObject({ issued: 1 })
  })

  it('writes nothing and holds no timer while idle', () => {
    vi.useFakeTimers()
    const { log, lines } = captureLogs('info')
    const tally = new Tally(log, 'scans in the last minute')
    tally.add('till')
    vi.advanceTimersByTime(60_000)
    expect(vi.getTimerCount()).toBe(0)
    vi.advanceTimersByTime(10 * 60_000)
    expect(lines).toHaveLength(1)
  })

  it('keeps the last part-minute when the gateway stops', () => {
    vi.useFakeTimers()
    const { log, lines } = captureLogs('info')
    const a = new Tally(log, 'a')
    const b = new Tally(log, 'b')
    a.add('x', 2)
    new Tally(log, 'idle')
    vi.advanceTimersByTime(20_000)
    flushTallies()
    expect(lines.map((l) => [l.msg, l.x, l.periodSeconds])).toEqual([['a', 2, 20]])
    expect(vi.getTimerCount()).toBe(0)
    b.add('y')
    flushTallies()
    expect(lines).toHaveLength(2)
  })
})
