/**
 * Figures per metric and key since the store's first event (the campaigns page), from the
 * hourly rollups. An hour's row is final once its events are committed, so the days before
 * today are summed once a day and kept (a few hundred rows); only today is read each time.
 * A year of a busy store: ~100 ms for the whole sum, ~1 ms for today.
 */
import { HOUR_MS } from '../store/rollups.js'
import { localMidnight } from '../kiosk/local-day.js'
import type { KeyTotal, RollupReads } from '../store/read/rollup-reads.js'

export class AllTimeTotals {
  private past: { before: number; rows: KeyTotal[] } | null = null

  constructor(private readonly reads: Pick<RollupReads, 'byKey'>) {}

  get(now = Date.now()): KeyTotal[] {
    const cut = Math.floor(localMidnight(now) / HOUR_MS)
    if (this.past?.before !== cut) this.past = { before: cut, rows: this.reads.byKey(0, cut) }
    const sums = new Map<string, KeyTotal>()
    for (const r of [...this.past.rows, ...this.reads.byKey(cut, Math.ceil(now / HOUR_MS) + 1)]) {
      const id = `${r.metric}\u0000${r.key}`
      const s = sums.get(id)
      if (s) {
        s.count += r.count
        s.amount += r.amount
      } else sums.set(id, { ...r })
    }
    return [...sums.values()]
  }
}
