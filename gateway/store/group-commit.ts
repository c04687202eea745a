/**
 * Group commit: many appends, few fsyncs.
 *
 * - An append that arrives while nothing is committing is sent at the end of the current
 *   tick (so a synchronous burst still shares one transaction) — idle latency stays one
 *   commit.
 * - Appends that arrive while a commit is under way wait and all share the next one —
 *   under load each fsync carries a whole batch.
 * - A caller's promise settles only after its batch's commit returned.
 *
 * - Background items (a message's fan-out steps) wait their turn: each commits alone, only
 *   while no foreground item waits or commits, and `gapMs` after the last foreground
 *   commit (a till decision that takes two commits is not split by one). So a scan meets
 *   at most one background step in its way, however long the fan-out.
 *
 * The commit function is injected, so the same queue drives the worker-thread writer
 * and can be unit-tested with a fake.
 */
export type CommitFn<I, R> = (batch: I[]) => Promise<R[]>

interface Pending<I, R> {
  item: I
  resolve: (r: R) => void
  reject: (e: unknown) => void
}

export class GroupCommitQueue<I, R> {
  private queue: Pending<I, R>[] = []
  private background: Pending<I, R>[] = []
  private lastForeground = 0
  private backgroundTimer: NodeJS.Timeout | null = null
  private committing = false
  private scheduled = false
  private idleWaiters: (() => void)[] = []
  largestBatch = 0

  constructor(
    private readonly commit: CommitFn<I, R>,
    private readonly maxBatch = 10_000,
    private readonly gapMs = 0,
  ) {}

  get pending(): number {
    return this.queue.length + this.background.length
  }

  get busy(): boolean {
    return this.committing || this.pending > 0
  }

  submit(item: I, opts: { background?: boolean } = {}): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      ;(opts.background ? this.background : this.queue).push({ item, resolve, reject })
      this.schedule()
    })
  }

  /** Resolves once everything submitted so far has been committed or failed. */
  drain(): Promise<void> {
    if (!this.busy) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  /** Fails everything not yet committing (used when the writer is gone). */
  rejectPending(err: unknown): void {
    const dropped = [...this.queue, ...this.background]
    this.queue = []
    this.background = []
    if (this.backgroundTimer) clearTimeout(this.backgroundTimer)
    this.backgroundTimer = null
    for (const p of dropped) p.reject(err)
    this.notifyIdle()
  }

  private schedule(): void {
    if (this.committing || this.scheduled) return
    this.scheduled = true
    queueMicrotask(() => {
      this.scheduled = false
      void this.runBatch()
    })
  }

  private async runBatch(): Promise<void> {
    if (this.committing) return
    const foreground = this.queue.length > 0
    if (!foreground) {
      if (this.background.length === 0) return this.notifyIdle()
      const wait = this.lastForeground + this.gapMs - performance.now()
      if (wait > 0) {
        this.backgroundTimer ??= setTimeout(() => {
          this.backgroundTimer = null
          void this.runBatch()
        }, Math.ceil(wait))
        return
      }
    }
    this.committing = true
    const batch = foreground ? this.queue.splice(0, this.maxBatch) : this.background.splice(0, 1)
    this.largestBatch = Math.max(this.largestBatch, batch.length)
    try {
      const results = await this.commit(batch.map((p) => p.item))
      batch.forEach((p, i) => p.resolve(results[i]!))
    } catch (err) {
      for (const p of batch) p.reject(err)
    } finally {
      this.committing = false
      if (foreground) this.lastForeground = performance.now()
    }
    if (this.pending > 0) void this.runBatch()
    else this.notifyIdle()
  }

  private notifyIdle(): void {
    if (this.busy) return
    const waiters = this.idleWaiters
    this.idleWaiters = []
    for (const w of waiters) w()
  }
}
