import { describe, expect, it } from 'vitest'
import { AttemptGuard, LockedOutError } from '../../gateway/auth/attempt-guard.js'

const limits = { maxFailures: 3, lockoutMs: 60_000 }
const keys = [{ key: 'a', limits }]

describe('AttemptGuard', () => {
  it('counts attempts in flight before they are settled', () => {
    const guard = new AttemptGuard(() => 0)
    const open = [guard.begin(keys), guard.begin(keys), guard.begin(keys)]
    expect(() => guard.begin(keys)).toThrow(LockedOutError)
    open[0]!.succeeded()
    expect(() => guard.begin(keys).failed()).not.toThrow() // a place came free
  })

  it('never lets a late failure or success shorten a lock', () => {
    let now = 0
    const guard = new AttemptGuard(() => now)
    const open = Array.from({ length: 3 }, () => guard.begin(keys))
    open[0]!.failed()
    open[1]!.failed()
    now = 10_000
    expect(open[2]!.failed()).toEqual(['a'])
    const late = new AttemptGuard(() => now)
    expect(late.locked()).toEqual([])
    expect(guard.locked()).toEqual(['a'])
    now = 69_999
    expect(() => guard.begin(keys)).toThrow(LockedOutError)
    now = 70_000
    guard.begin(keys).succeeded()
    expect(guard.locked()).toEqual([])
  })

  it('a right PIN clears the failures before it, and a lock then needs all places again', () => {
    const guard = new AttemptGuard(() => 0)
    const open = Array.from({ length: 3 }, () => guard.begin(keys))
    open[0]!.failed()
    open[1]!.failed()
    open[2]!.succeeded()
    guard.begin(keys).failed()
    guard.begin(keys).failed()
    expect(guard.locked()).toEqual([])
    guard.begin(keys).failed()
    expect(() => guard.begin(keys)).toThrow(LockedOutError)
  })

  it('forgets failures after the window and keeps memory bounded', () => {
    let now = 0
    const guard = new AttemptGuard(() => now)
    guard.begin(keys).failed()
    guard.begin(keys).failed()
    now = 60_000
    for (let i = 0; i < 2; i++) guard.begin(keys).failed()
    expect(guard.locked()).toEqual([])
    for (let i = 0; i < 20_000; i++) guard.begin([{ key: `k${i}`, limits }]).failed()
    expect(guard.size).toBeLessThanOrEqual(10_001)
  })

  it('refuses without reserving when any key is locked', () => {
    const guard = new AttemptGuard(() => 0)
    for (let i = 0; i < 3; i++) guard.begin(keys).failed()
    expect(() => guard.begin([{ key: 'b', limits }, ...keys])).toThrow(LockedOutError)
    for (let i = 0; i < 3; i++) guard.begin([{ key: 'b', limits }]).succeeded() // b has no reservation left over
  })
})
