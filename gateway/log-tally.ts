/**
 * Activity as one `info` line a minute per module (issue #22). A store keeps its log for
 * weeks: a line per scan, voucher or sync batch came to 13.5 MB/hour on a busy day. Those
 * lines are `debug`; the module counts what it did in a Tally, and a minute after the first
 * count the tally writes its counts as one line and starts again. An idle module writes
 * nothing and holds no timer. State changes stay lines of their own. The gateway writes
 * every tally that has counts when it stops (flushTallies), so the last minute is kept.
 */
import type { Logger } from './log.js'

export const TALLY_PERIOD_MS = 60_000
/** Only tallies holding counts, so this never outgrows the number of modules. */
const counting = new Set<Tally>()

export function flushTallies(): void {
  for (const t of [...counting]) t.flush()
}

export class Tally {
  private counts: Record<string, number> = {}
  private since = 0
  private timer: NodeJS.Timeout | null = null

  /** @param msg what the line says, e.g. "vouchers in the last minute" */
  constructor(
    private readonly log: Logger,
    private readonly msg: string,
    private readonly periodMs = TALLY_PERIOD_MS,
  ) {}

  add(what: string, n = 1): void {
    if (n === 0) return
    this.counts[what] = (this.counts[what] ?? 0) + n
    if (this.timer) return
    this.since = Date.now()
    this.timer = setTimeout(() => this.flush(), this.periodMs)
    this.timer.unref()
    counting.add(this)
  }

  /** Writes what was counted so far and starts again. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    counting.delete(this)
    if (Object.keys(this.counts).length === 0) return
    this.log.info({ ...this.counts, periodSeconds: Math.round((Date.now() - this.since) / 1000) }, this.msg)
    this.counts = {}
  }
}
