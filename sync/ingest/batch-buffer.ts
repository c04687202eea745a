/**
 * The ingest's per-store queue of batches waiting to be stored. Batches of one store are
 * stored in seq order only; when several ingest workers share a round-robin subscription
 * (mosquitto's `$share`) a worker often gets batch N+1 while another is still storing N.
 * Instead of refusing it at once (the store would resend everything after the hole), the
 * batch is held here for a short window and offered again when the other worker's commit
 * is heard of (or a short retry passes); only a hole that outlasts the window makes the
 * store send again. Bounded: per store and in bytes overall; past a bound a batch is
 * dropped unacknowledged, and the store sends it again after its ack timeout.
 */
import type { IngestBatch, IngestResult } from './cloud-db.js'

export interface BufferLimits {
  /** How long a hole may last before the store is asked to send again (ms). */
  holdMs: number
  /** First retry of held batches when no commit is heard of (ms); doubles up to holdMs / 4. */
  retryMs: number
  maxBatchesPerStore: number
  maxBytes: number
}

export const DEFAULT_BUFFER_LIMITS: BufferLimits = {
  // Under a store's first resend (a quarter of its 20 s ack timeout): a hole that lasts
  // longer is a lost batch, which that resend brings anyway.
  holdMs: 4_000,
  retryMs: 10,
  maxBatchesPerStore: 64,
  // A chain's thousand stores coming back at once each send a window of batches: room for
  // that burst (parsed, it takes a few times this in memory). A store box's embedded
  // ingest asks for far less (sync-service.ts).
  maxBytes: 256 * 1024 * 1024,
}

/** A store another worker has: its commit's NOTIFY wakes it; this is the fallback. */
const BUSY_RETRY_MS = 250

interface Queued {
  batch: IngestBatch
  bytes: number
}

interface StoreQueue {
  batches: Queued[]
  busy: boolean
  /** Since when the first batch has been waiting for a hole to close; null: no hole. */
  heldSince: number | null
  retryAt: number
  retryMs: number
  /** Another worker's commit was heard of while this store was in flight: retry at once after. */
  woken: boolean
  /** Batches of it wait in the database behind a hole (IngestResult.parked): ask it to take them. */
  parked: boolean
}

export type AddOutcome = 'queued' | 'duplicate' | 'full'

export class BatchBuffer {
  private readonly queues = new Map<string, StoreQueue>()
  private bytes = 0
  /** Each batch's payload size as it arrived, for when it comes back held. */
  private readonly sizes = new WeakMap<IngestBatch, number>()

  constructor(private readonly limits: BufferLimits = DEFAULT_BUFFER_LIMITS) {}

  add(batch: IngestBatch, bytes: number): AddOutcome {
    const q = this.queue(batch.store)
    const first = batch.events[0]!.seq
    const last = batch.events.at(-1)!.seq
    if (q.batches.some((x) => x.batch.events[0]!.seq === first && x.batch.events.at(-1)!.seq === last))
      return 'duplicate'
    if (q.batches.length >= this.limits.maxBatchesPerStore || this.bytes + bytes > this.limits.maxBytes) {
      if (q.batches.length === 0 && !q.busy) this.queues.delete(batch.store)
      return 'full'
    }
    this.sizes.set(batch, bytes)
    q.batches.push({ batch, bytes })
    q.batches.sort((a, b) => a.batch.events[0]!.seq - b.batch.events[0]!.seq)
    this.bytes += bytes
    return 'queued'
  }

  /**
   * Batches of stores not in flight and not waiting out a retry, up to about `maxEvents`,
   * and the stores with batches parked in the database whose turn to be asked has come;
   * their stores become busy.
   */
  take(now: number, maxEvents: number): { batches: IngestBatch[]; absorb: string[] } {
    const batches: IngestBatch[] = []
    const absorb: string[] = []
    let events = 0
    for (const [store, q] of this.queues) {
      if (events >= maxEvents) break
      if (q.busy || q.retryAt > now) continue
      if (q.batches.length === 0) {
        if (q.parked) {
          q.busy = true
          absorb.push(store)
        }
        continue
      }
      q.busy = true
      if (q.parked) absorb.push(store)
      for (const x of q.batches) {
        batches.push(x.batch)
        events += x.batch.events.length
        this.bytes -= x.bytes
      }
      q.batches = []
    }
    return { batches, absorb }
  }

  /**
   * The database's answer for one store taken: held batches go back in the queue. Returns
   * true when its hole has outlasted the window: the held batches are dropped and the
   * store is to be asked to send again.
   */
  settle(result: IngestResult, now: number): boolean {
    const q = this.queue(result.store)
    q.busy = false
    const woken = q.woken
    q.woken = false
    if (result.held.length === 0 && !result.parked) {
      this.noHole(result.store, q)
      return false
    }
    if (result.busy) {
      // Not a hole: another worker has the store. Its commit wakes this one (or the retry does).
      this.readd(result.held)
      q.retryAt = woken ? 0 : now + BUSY_RETRY_MS
      return false
    }
    q.parked = result.parked === true
    if (q.heldSince === null || result.inserted > 0) q.heldSince = now
    if (now - q.heldSince >= this.limits.holdMs) {
      // Past the hole: what was held and whatever else queued behind it (all start past the mark).
      // Parked batches stay parked: the store's resend fills the hole, and they follow on.
      for (const x of q.batches) this.bytes -= x.bytes
      q.batches = []
      this.noHole(result.store, q)
      return true
    }
    this.readd(result.held)
    if (woken) {
      // The commit it waits for may have landed after this store's transaction looked.
      q.retryAt = 0
      return false
    }
    q.retryAt = now + q.retryMs
    q.retryMs = Math.min(q.retryMs * 2, Math.max(this.limits.retryMs, this.limits.holdMs / 4))
    return false
  }

  /** The database failed: the batches (and stores asked to absorb) go back, to be offered again after `delayMs`. */
  putBack(batches: IngestBatch[], absorb: string[], now: number, delayMs: number): void {
    for (const store of absorb) {
      const q = this.queue(store)
      q.busy = false
      q.retryAt = now + delayMs
    }
    for (const batch of batches) {
      const q = this.queue(batch.store)
      q.busy = false
      q.retryAt = now + delayMs
    }
    this.readd(batches)
  }

  /** Another worker stored some of these stores' events: their held batches may fit now. */
  progressed(stores: Iterable<string> | 'all'): void {
    const wake = (q: StoreQueue) => {
      if (q.busy) q.woken = true
      // The store's mark moved: whatever hole remains is a new one, its window starts now.
      if (q.heldSince !== null) q.heldSince = Date.now()
      q.retryAt = 0
      q.retryMs = this.limits.retryMs
    }
    if (stores === 'all') for (const q of this.queues.values()) wake(q)
    else
      for (const s of stores) {
        const q = this.queues.get(s)
        if (q) wake(q)
      }
  }

  /** The soonest a waiting store may be offered again (ms epoch), or null when nothing waits. */
  nextRetryAt(): number | null {
    let next: number | null = null
    for (const q of this.queues.values())
      if (!q.busy && (q.batches.length > 0 || q.parked) && (next === null || q.retryAt < next)) next = q.retryAt
    return next
  }

  size(): { stores: number; batches: number; bytes: number } {
    let batches = 0
    for (const q of this.queues.values()) batches += q.batches.length
    return { stores: this.queues.size, batches, bytes: this.bytes }
  }

  private queue(store: string): StoreQueue {
    let q = this.queues.get(store)
    if (!q) {
      q = {
        batches: [],
        busy: false,
        heldSince: null,
        retryAt: 0,
        retryMs: this.limits.retryMs,
        woken: false,
        parked: false,
      }
      this.queues.set(store, q)
    }
    return q
  }

  /** Batches handed back by the database, queued again at the size they arrived with. */
  private readd(batches: IngestBatch[]): void {
    for (const batch of batches) this.add(batch, this.sizes.get(batch) ?? approxBytes(batch))
  }

  /** No hole (any more): nothing parked, no window, retries from the start; forgotten when empty. */
  private noHole(store: string, q: StoreQueue): void {
    q.parked = false
    q.heldSince = null
    q.retryAt = 0
    q.retryMs = this.limits.retryMs
    this.dropEmpty(store, q)
  }

  private dropEmpty(store: string, q: StoreQueue): void {
    if (q.batches.length === 0 && !q.busy && !q.parked && q.heldSince === null) this.queues.delete(store)
  }
}

/** A batch's size for the byte bound when it was not received as a payload. */
function approxBytes(batch: IngestBatch): number {
  let bytes = 64
  for (const e of batch.events) bytes += 160 + JSON.stringify(e.payload ?? null).length
  return bytes
}
