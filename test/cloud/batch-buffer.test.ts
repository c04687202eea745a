/**
 * The ingest's per-store queue (sync/ingest/batch-buffer.ts): its bounds hold under a
 * flood, a hole is waited out for the hold window and then the store is asked to send
 * again, a store another worker has is not a hole, and a commit heard of while a store
 * was in flight is not lost.
 */
import { describe, expect, it } from 'vitest'
import { BatchBuffer, DEFAULT_BUFFER_LIMITS } from '../../sync/ingest/batch-buffer.js'
import type { IngestBatch, IngestResult } from '../../sync/ingest/cloud-db.js'

const batch = (store: string, first: number, last = first): IngestBatch => ({
  v: 1,
  store,
  events: Array.from({ length: last - first + 1 }, (_, i) => ({
    seq: first + i,
    id: `${store}-${first + i}`,
    type: 'scan',
    time: 0,
    device: null,
    payload: {},
  })),
})
const result = (store: string, over: Partial<IngestResult> = {}): IngestResult => ({
  store,
  contiguous: 0,
  inserted: 0,
  duplicates: 0,
  departures: [],
  held: [],
  alerts: [],
  cardCancels: false,
  ...over,
})
const limits = { ...DEFAULT_BUFFER_LIMITS, holdMs: 1_000, retryMs: 10, maxBatchesPerStore: 3, maxBytes: 1_000 }

describe('the ingest’s batch buffer', () => {
  it('drops what is past its bounds, per store and in bytes, and a repeat once', () => {
    const b = new BatchBuffer(limits)
    expect(b.add(batch('a', 1), 100)).toBe('queued')
    expect(b.add(batch('a', 1), 100)).toBe('duplicate')
    expect(b.add(batch('a', 2), 100)).toBe('queued')
    expect(b.add(batch('a', 3), 100)).toBe('queued')
    expect(b.add(batch('a', 4), 100)).toBe('full') // three batches a store
    expect(b.add(batch('b', 1), 800)).toBe('full') // 300 + 800 > 1,000 bytes
    for (let i = 0; i < 10_000; i++) b.add(batch(`flood-${i}`, 1), 200)
    expect(b.size().bytes).toBeLessThanOrEqual(1_000)
    expect(b.size().stores).toBe(4) // a and the three floods that fitted: refused ones leave nothing
  })

  it('takes a store’s batches in seq order, one flight per store', () => {
    const b = new BatchBuffer(limits)
    b.add(batch('a', 3), 10)
    b.add(batch('a', 1), 10)
    expect(b.take(0, 1_000).batches.map((x) => x.events[0]!.seq)).toEqual([1, 3])
    b.add(batch('a', 5), 10)
    expect(b.take(0, 1_000).batches).toEqual([]) // in flight
    b.settle(result('a', { contiguous: 3, inserted: 3 }), 0)
    expect(b.take(0, 1_000).batches.map((x) => x.events[0]!.seq)).toEqual([5])
  })

  it('waits out a hole for the hold window, then asks for a resend', () => {
    const b = new BatchBuffer(limits)
    const early = batch('a', 5)
    b.add(early, 10)
    b.take(0, 1_000)
    expect(b.settle(result('a', { contiguous: 3, held: [early] }), 0)).toBe(false)
    expect(b.nextRetryAt()).toBe(10) // retried soon, backing off
    expect(b.take(5, 1_000).batches).toEqual([])
    expect(b.take(10, 1_000).batches).toEqual([early])
    expect(b.settle(result('a', { contiguous: 3, held: [early] }), 500)).toBe(false)
    b.take(2_000, 1_000)
    expect(b.settle(result('a', { contiguous: 3, held: [early] }), 1_000)).toBe(true) // the window passed
    expect(b.size()).toEqual({ stores: 0, batches: 0, bytes: 0 })
  })

  it('does not count a store another worker has as a hole, and keeps a wake-up heard in flight', () => {
    const b = new BatchBuffer(limits)
    const x = batch('a', 5)
    b.add(x, 10)
    b.take(0, 1_000)
    for (let t = 0; t < 5_000; t += 500) {
      expect(b.settle(result('a', { held: [x], busy: true }), t)).toBe(false)
      b.progressed(['a'])
      expect(b.take(t, 1_000).batches).toEqual([x])
    }
    // Heard while in flight: the held answer that follows is offered again at once.
    b.progressed(['a'])
    expect(b.settle(result('a', { contiguous: 3, held: [x] }), 6_000)).toBe(false)
    expect(b.nextRetryAt()).toBe(0)
  })

  it('asks again for batches parked in the database until the hole fills', () => {
    const b = new BatchBuffer(limits)
    b.add(batch('a', 5), 10)
    b.take(0, 1_000)
    b.settle(result('a', { contiguous: 3, parked: true }), 0)
    expect(b.take(0, 1_000)).toEqual({ batches: [], absorb: [] }) // its retry has not come
    expect(b.take(10, 1_000)).toEqual({ batches: [], absorb: ['a'] })
    b.settle(result('a', { contiguous: 6, inserted: 3 }), 20)
    expect(b.size().stores).toBe(0)
  })
})
