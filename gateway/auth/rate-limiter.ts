/**
 * Sliding-window limits against abuse (portal logins per device and phone, kiosk plays…).
 * Kept in memory: a restart forgets them, which only ever lets a guest try again sooner.
 * Bounded twice: a key whose last try has left the window is forgotten (the map is kept in
 * order of last accepted try, so those sit at its front), and at most `maxKeys` are kept.
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>()

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    /** Keys remembered at most (a flood of new keys cannot grow memory without bound). */
    private readonly maxKeys = 50_000,
  ) {}

  /** Counts a try; `ok: false` with the seconds until the next try would be allowed. */
  take(key: string, now = Date.now()): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const since = now - this.windowMs
    // Trimmed in place rather than filtered into a new array: an hour's window of a busy
    // kiosk holds hundreds of tries, and a copy per try was old-space garbage (issue #22).
    const recent = this.hits.get(key) ?? []
    while (recent.length > 0 && recent[0]! <= since) recent.shift()
    if (recent.length >= this.limit) {
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((recent[0]! + this.windowMs - now) / 1000)) }
    }
    recent.push(now)
    this.hits.delete(key)
    this.hits.set(key, recent)
    if (this.hits.size > this.maxKeys) this.hits.delete(this.hits.keys().next().value!)
    for (const [k, times] of this.hits) {
      if (times.at(-1)! > since) break
      this.hits.delete(k)
    }
    return { ok: true }
  }

  /** Keys remembered now (for tests of the bound). */
  get size(): number {
    return this.hits.size
  }
}
