/**
 * Guesses against a short secret (a cashier PIN) are counted *before* the slow hash runs.
 * Counting after it let 32 parallel guesses all through while the lock was still
 * "not yet" (issue #13): every attempt reserves a place under each of its keys (the
 * address, the cashier when known, the whole store) and a key with `maxFailures` places
 * taken by failures or attempts in flight refuses the next one at once. A lock only ever
 * runs out; neither a late failure nor a late success shortens it.
 */
export class LockedOutError extends Error {
  override readonly name = 'LockedOutError'
  readonly code = 'locked_out'
  constructor(
    readonly key: string,
    readonly retryAfterSeconds: number,
  ) {
    super('too many wrong PINs; wait before trying again')
  }
}

export interface AttemptLimits {
  /** Failures (and attempts still being checked) a key may have before it locks. */
  maxFailures: number
  /** How long a key stays locked, and how long a failure is remembered. */
  lockoutMs: number
}

export interface Attempt {
  /** The secret was right: failures under unlocked keys are forgotten. */
  succeeded(): void
  /** The secret was wrong; returns the keys this failure locked (for the log). */
  failed(): string[]
}

interface Entry {
  failures: number
  inFlight: number
  lockedUntil: number
  lastFailureAt: number
}

/** Keys remembered at most: a flood of made-up sources cannot grow memory without bound. */
const MAX_KEYS = 10_000

export class AttemptGuard {
  private readonly entries = new Map<string, Entry>()

  constructor(private readonly now: () => number = Date.now) {}

  /** Reserves one attempt under every key, or throws `LockedOutError` without reserving any. */
  begin(keys: ReadonlyArray<{ key: string; limits: AttemptLimits }>): Attempt {
    const now = this.now()
    for (const { key, limits } of keys) {
      const e = this.fresh(key, limits, now)
      if (e.lockedUntil > now) throw new LockedOutError(key, Math.ceil((e.lockedUntil - now) / 1000))
      // Saturated by attempts still in flight: refused now, tried again in a second.
      if (e.failures + e.inFlight >= limits.maxFailures) throw new LockedOutError(key, 1)
    }
    const taken = keys.map(({ key, limits }) => ({ key, limits, entry: this.entry(key) }))
    for (const t of taken) t.entry.inFlight++
    let settled = false
    const settle = (): void => {
      if (settled) throw new Error('attempt already settled')
      settled = true
      for (const t of taken) t.entry.inFlight--
    }
    return {
      succeeded: () => {
        settle()
        const at = this.now()
        for (const t of taken) {
          if (t.entry.lockedUntil <= at) t.entry.failures = 0
          this.forgetIfIdle(t.key, t.entry, at)
        }
      },
      failed: () => {
        settle()
        const at = this.now()
        const locked: string[] = []
        for (const t of taken) {
          t.entry.failures++
          t.entry.lastFailureAt = at
          if (t.entry.failures >= t.limits.maxFailures && t.entry.lockedUntil <= at) {
            t.entry.lockedUntil = at + t.limits.lockoutMs
            locked.push(t.key)
          }
        }
        return locked
      },
    }
  }

  /** Keys currently locked (for status and alarms). */
  locked(): string[] {
    const now = this.now()
    return [...this.entries].filter(([, e]) => e.lockedUntil > now).map(([k]) => k)
  }

  /** The entry with what has run out forgotten: an expired lock or failures older than the window. */
  private fresh(key: string, limits: AttemptLimits, now: number): Entry {
    const e = this.entries.get(key)
    if (!e) return { failures: 0, inFlight: 0, lockedUntil: 0, lastFailureAt: 0 }
    const lockOver = e.lockedUntil !== 0 && e.lockedUntil <= now
    const failuresOld = e.lastFailureAt + limits.lockoutMs <= now
    if (lockOver || (e.lockedUntil === 0 && failuresOld)) {
      e.failures = 0
      e.lockedUntil = 0
    }
    return e
  }

  private entry(key: string): Entry {
    let e = this.entries.get(key)
    if (!e) {
      e = { failures: 0, inFlight: 0, lockedUntil: 0, lastFailureAt: 0 }
      this.entries.set(key, e)
      if (this.entries.size > MAX_KEYS) this.evictOne()
    }
    return e
  }

  private forgetIfIdle(key: string, e: Entry, now: number): void {
    if (e.inFlight === 0 && e.failures === 0 && e.lockedUntil <= now) this.entries.delete(key)
  }

  /** Drops the oldest entry that holds no lock and no attempt in flight. */
  private evictOne(): void {
    const now = this.now()
    for (const [k, e] of this.entries) {
      if (e.inFlight === 0 && e.lockedUntil <= now) {
        this.entries.delete(k)
        return
      }
    }
  }

  get size(): number {
    return this.entries.size
  }
}
