/**
 * A background job run on demand and on a timer (the message fan-out, the webhook sends):
 * `wake()` runs it now, or once more right after the run under way — a wake is never lost,
 * two runs never overlap — and between runs it sleeps until the job's `nextAt`. Stopping
 * ends the timer and waits for the run under way; the job checks `stopping` to end early.
 */
export class WakeLoop {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private again = false
  private stopped = true

  constructor(
    private readonly job: { run(): Promise<void>; nextAt(now: number): number },
    private readonly onError: (err: unknown) => void,
  ) {}

  get stopping(): boolean {
    return this.stopped
  }

  start(): void {
    this.stopped = false
    this.wake()
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    await this.running
  }

  wake(): void {
    if (this.stopped) return
    if (this.running) {
      this.again = true
      return
    }
    if (this.timer) clearTimeout(this.timer)
    this.running = this.job
      .run()
      .catch(this.onError)
      .finally(() => {
        this.running = null
        if (this.again) {
          this.again = false
          this.wake()
        } else this.sleep()
      })
  }

  /** Resolves when no run is under way (tests, the bench). */
  async idle(): Promise<void> {
    while (this.running) await this.running
  }

  private sleep(): void {
    if (this.stopped) return
    const now = Date.now()
    this.timer = setTimeout(() => this.wake(), Math.max(0, this.job.nextAt(now) - now) + 5)
    this.timer.unref()
  }
}
