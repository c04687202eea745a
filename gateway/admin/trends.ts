/**
 * Today per hour and the last N days per day, for the back office's charts: every metric
 * the rollups keep, in the store's time zone (the machine's; whole-hour offsets such as
 * China's map the UTC hours of the rollups exactly).
 */
import { HOUR_MS } from '../store/rollups.js'
import { localMidnight } from '../kiosk/local-day.js'
import type { HourTotal, RollupReads } from '../store/read/rollup-reads.js'

export const METRICS = [
  'wifi_joins',
  'members_new',
  'plays',
  'issued',
  'redeemed',
  'voided',
  'rejected',
  'sales',
  'payments',
  'scans',
] as const
export type Metric = (typeof METRICS)[number]

export interface Series {
  /** Bucket starts (ms): hours for today, local midnights for days. */
  at: number[]
  count: Record<Metric, number[]>
  /** Money metrics' amounts (minor units). */
  amount: Record<'redeemed' | 'sales' | 'payments', number[]>
}

function series(rows: HourTotal[], at: number[], bucketOf: (hourMs: number) => number): Series {
  const index = new Map(at.map((t, i) => [t, i]))
  const zeros = () => at.map(() => 0)
  const count = Object.fromEntries(METRICS.map((m) => [m, zeros()])) as Series['count']
  const amount = { redeemed: zeros(), sales: zeros(), payments: zeros() }
  let hour = NaN
  let i: number | undefined
  for (const r of rows) {
    // Rows come by hour: the bucket (a Date computation for days) once per hour, not per row.
    if (r.hour !== hour) {
      hour = r.hour
      i = index.get(bucketOf(hour * HOUR_MS))
    }
    if (i === undefined || !(r.metric in count)) continue
    count[r.metric as Metric][i]! += r.count
    if (r.metric in amount) amount[r.metric as keyof typeof amount][i]! += r.amount
  }
  return { at, count, amount }
}

export function today(reads: RollupReads, now = Date.now()): Series {
  const start = localMidnight(now)
  const end = localMidnight(start + 36 * HOUR_MS) // the next midnight, also across a DST change
  const at: number[] = []
  for (let t = start; t < end; t += HOUR_MS) at.push(t)
  const rows = reads.hourly(Math.floor(start / HOUR_MS), Math.ceil(end / HOUR_MS))
  return series(rows, at, (ms) => ms - ((ms - start) % HOUR_MS))
}

export function lastDays(reads: RollupReads, days: number, now = Date.now()): Series {
  const at: number[] = []
  let day = localMidnight(now)
  for (let i = 0; i < days; i++, day = localMidnight(day - 12 * HOUR_MS)) at.unshift(day)
  const end = localMidnight(localMidnight(now) + 36 * HOUR_MS)
  const rows = reads.hourly(Math.floor(at[0]! / HOUR_MS), Math.ceil(end / HOUR_MS))
  return series(rows, at, localMidnight)
}

export interface PipeRow {
  /** The store that issued the vouchers (its id; the page shows its name). */
  issuerStore: string
  campaign: number
  used: number
  /** Their worth, minor units (vouchers for an item count 0). */
  value: number
}

/** Vouchers used here in the last `days`, by the store that issued them and campaign: the pipe's arrivals. */
export function usedHereByIssuer(reads: RollupReads, days: number, now = Date.now()): PipeRow[] {
  const from = localMidnight(now) - (days - 1) * 24 * HOUR_MS
  return reads
    .byKey(Math.floor(from / HOUR_MS), Math.ceil(now / HOUR_MS) + 1)
    .filter((r) => r.metric === 'redeemed')
    .map((r) => {
      const [campaign, issuerStore] = r.key.split(':')
      return { issuerStore: issuerStore ?? '', campaign: Number(campaign), used: r.count, value: r.amount }
    })
    .sort((a, b) => b.used - a.used)
}
