/** All-time figures: the days before today are summed once a day, today is read each time, and the two add up. */
import { describe, expect, it } from 'vitest'
import { AllTimeTotals } from '../../gateway/admin/all-time.js'
import type { KeyTotal } from '../../gateway/store/read/rollup-reads.js'
import { HOUR_MS } from '../../gateway/store/rollups.js'

describe('all-time totals', () => {
  it('keeps the past for the day, reads today live, and sums per metric and key', () => {
    const calls: [number, number][] = []
    const rows: (KeyTotal & { hour: number })[] = [
      { hour: 10, metric: 'issued', key: '12:kiosk', count: 5, amount: 0 },
      { hour: 10, metric: 'redeemed', key: '12:shop-a', count: 2, amount: 4000 },
    ]
    const reads = {
      byKey(from: number, to: number): KeyTotal[] {
        calls.push([from, to])
        const sums = new Map<string, KeyTotal>()
        for (const r of rows.filter((r) => r.hour >= from && r.hour < to)) {
          const s = sums.get(r.metric + r.key) ?? { metric: r.metric, key: r.key, count: 0, amount: 0 }
          s.count += r.count
          s.amount += r.amount
          sums.set(r.metric + r.key, s)
        }
        return [...sums.values()]
      },
    }
    const now = new Date(2026, 11, 3, 15, 30).getTime()
    const today = Math.floor(new Date(2026, 11, 3).getTime() / HOUR_MS)
    rows.push({ hour: today + 14, metric: 'redeemed', key: '12:shop-a', count: 1, amount: 2000 })
    const totals = new AllTimeTotals(reads)
    const byMetric = (t: KeyTotal[]) => Object.fromEntries(t.map((r) => [r.metric, [r.count, r.amount]]))
    expect(byMetric(totals.get(now))).toEqual({ issued: [5, 0], redeemed: [3, 6000] })
    rows.push({ hour: today + 15, metric: 'redeemed', key: '12:shop-a', count: 1, amount: 2000 })
    expect(byMetric(totals.get(now + 3600_000))).toEqual({ issued: [5, 0], redeemed: [4, 8000] })
    // The past was read once; today twice.
    expect(calls.filter(([from]) => from === 0)).toHaveLength(1)
    expect(calls.filter(([from]) => from === today)).toHaveLength(2)
    // The next day the past is summed again, yesterday included.
    totals.get(now + 24 * 3600_000)
    expect(calls.filter(([from]) => from === 0)).toHaveLength(2)
  })
})
