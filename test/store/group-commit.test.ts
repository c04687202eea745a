import { describe, expect, it } from 'vitest'
import { GroupCommitQueue } from '../../gateway/store/group-commit.js'

function deferredCommit() {
  const batches: number[][] = []
  let release: (() => void) | null = null
  const commit = (batch: number[]) => {
    batches.push(batch)
    return new Promise<number[]>((resolve) => (release = () => resolve(batch.map((x) => x * 10))))
  }
  return { batches, commit, release: () => release?.() }
}

describe('GroupCommitQueue', () => {
  it('commits an idle append at once and batches what arrives during a commit', async () => {
    const c = deferredCommit()
    const q = new GroupCommitQueue(c.commit)
    const first = q.submit(1)
    await Promise.resolve()
    expect(c.batches).toEqual([[1]])
    const rest = [q.submit(2), q.submit(3), q.submit(4)]
    await Promise.resolve()
    expect(c.batches).toEqual([[1]]) // waiting for the running commit
    c.release()
    expect(await first).toBe(10)
    await new Promise((r) => setImmediate(r))
    expect(c.batches).toEqual([[1], [2, 3, 4]])
    c.release()
    expect(await Promise.all(rest)).toEqual([20, 30, 40])
    await q.drain()
  })

  it('lets background items go one at a time, only when no foreground waits, a gap after the last', async () => {
    const c = deferredCommit()
    const q = new GroupCommitQueue<number, number>(c.commit, undefined, 30)
    const fg = q.submit(1)
    const bg = [q.submit(100, { background: true }), q.submit(200, { background: true })]
    await Promise.resolve()
    expect(c.batches).toEqual([[1]])
    const late = q.submit(2) // arrives while the first commits: goes before the background
    c.release()
    await fg
    await new Promise((r) => setImmediate(r))
    expect(c.batches).toEqual([[1], [2]])
    c.release()
    await late
    const done = performance.now()
    await new Promise((r) => setImmediate(r))
    expect(c.batches).toEqual([[1], [2]]) // the gap after a foreground commit
    while (c.batches.length < 3) await new Promise((r) => setTimeout(r, 5))
    expect(performance.now() - done).toBeGreaterThanOrEqual(25)
    expect(c.batches[2]).toEqual([100]) // alone, not batched with the next background item
    c.release()
    await new Promise((r) => setImmediate(r))
    expect(c.batches[3]).toEqual([200])
    c.release()
    expect(await Promise.all(bg)).toEqual([1000, 2000])
    await q.drain()
  })

  it('settles callers only after their commit, and rejects the whole batch when it fails', async () => {
    let fail = true
    const q = new GroupCommitQueue<number, number>(async (batch) => {
      if (fail) throw new Error('SQLITE_FULL')
      return batch
    })
    const a = q.submit(1)
    const b = q.submit(2)
    await expect(a).rejects.toThrow('SQLITE_FULL')
    await expect(b).rejects.toThrow('SQLITE_FULL')
    fail = false
    expect(await q.submit(3)).toBe(3)
  })

  it('caps the batch size', async () => {
    const sizes: number[] = []
    const q = new GroupCommitQueue<number, number>(async (b) => (sizes.push(b.length), b), 3)
    await Promise.all([1, 2, 3, 4, 5, 6, 7].map((x) => q.submit(x)))
    expect(sizes).toEqual([3, 3, 1])
  })
})
