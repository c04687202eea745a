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
  private committing = false
  private scheduled = false
  private idleWaiters: (() => void)[] = []
  largestBatch = 0

  constructor(
    private readonly commit: CommitFn<I, R>,
    private readonly maxBatch = 10_000,
  ) {}

  get pending(): number {
    return this.queue.length
  }

  get busy(): boolean {
    return this.committing || this.queue.length > 0
  }

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject })
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
    const dropped = this.queue
    this.queue = []
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
    if (this.committing || this.queue.length === 0) return this.notifyIdle()
    this.committing = true
    const batch = this.queue.splice(0, this.maxBatch)
    this.largestBatch = Math.max(this.largestBatch, batch.length)
    try {
      const results = await this.commit(batch.map((p) => p.item))
      batch.forEach((p, i) => p.resolve(results[i]!))
    } catch (err) {
      for (const p of batch) p.reject(err)
    } finally {
      this.committing = false
    }
    if (this.queue.length > 0) void this.runBatch()
    else this.notifyIdle()
  }

  private notifyIdle(): void {
    if (this.busy) return
    const waiters = this.idleWaiters
    this.idleWaiters = []
    for (const w of waiters) w()
  }
}
