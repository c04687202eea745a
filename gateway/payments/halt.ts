/**
 * The payment loops' way to wait and to be stopped: a gateway stopping ends every wait at
 * once, and the loop leaves its charge or refund where the journal has it — the next start
 * resumes it.
 */
import { setTimeout as sleep } from 'node:timers/promises'

export class Halt {
  private controller = new AbortController()

  /** At start: waits may run again. */
  reset(): void {
    this.controller = new AbortController()
  }

  stop(): void {
    this.controller.abort()
  }

  get stopped(): boolean {
    return this.controller.signal.aborted
  }

  /** Waits `ms`; false when stopping. */
  async pause(ms: number): Promise<boolean> {
    try {
      await sleep(ms, undefined, { signal: this.controller.signal })
      return true
    } catch {
      return false
    }
  }
}
