/**
 * Member segments from the profiles the writer keeps: RFM scores (recency, frequency,
 * monetary over a window of months, each in quintiles 1–5, 5 best), the top 20 % by value
 * and the share of sales they bring (the Pareto curve), and where each member is in their
 * life with the store: new, regular, lapsing, lost. Pure: the rows come from
 * store/read/segment-reads.ts, so a recompute never touches the journal.
 */
import type { ProfileRow } from '../store/read/segment-reads.js'

export interface SegmentRules {
  windowMonths: number
  newDays: number
  lapsingDays: number
  lostDays: number
}

export type { ProfileRow }

export type Lifecycle = 'new' | 'regular' | 'lapsing' | 'lost'
export const LIFECYCLES: readonly Lifecycle[] = ['new', 'regular', 'lapsing', 'lost']

export interface MemberScore extends ProfileRow {
  recencyDays: number
  r: number
  f: number
  m: number
  lifecycle: Lifecycle
  /** Among the top 20 % by value (members who bought nothing never are). */
  top: boolean
}

export interface SegmentReport {
  at: number
  members: number
  sales: number
  top: { members: number; sales: number; share: number }
  /** pareto[i]: the share of sales the best (i + 1) × 5 % of members bring (20 points). */
  pareto: number[]
  lifecycle: Record<Lifecycle, number>
  scores: MemberScore[]
}

const DAY_MS = 86_400_000
export const TOP_SHARE = 0.2

export function computeSegments(rows: readonly ProfileRow[], rules: SegmentRules, now: number): SegmentReport {
  const n = rows.length
  const recency = rows.map((r) => Math.max(0, Math.floor((now - r.lastSeen) / DAY_MS)))
  // Fewer days since the last visit is better: score the negation so 5 is always best.
  const rScore = quintiles(recency.map((d) => -d))
  const fScore = quintiles(rows.map((r) => r.frequency))
  const mScore = quintiles(rows.map((r) => r.monetary))
  const byValue = rows.map((_, i) => i).sort((a, b) => rows[b]!.monetary - rows[a]!.monetary)
  const sales = rows.reduce((sum, r) => sum + r.monetary, 0)
  const topCount = Math.min(Math.ceil(n * TOP_SHARE), rows.filter((r) => r.monetary > 0).length)
  const top = new Set(byValue.slice(0, topCount))
  const lifecycle: Record<Lifecycle, number> = { new: 0, regular: 0, lapsing: 0, lost: 0 }
  const scores = rows.map((row, i): MemberScore => {
    const days = recency[i]!
    const stage: Lifecycle =
      days >= rules.lostDays
        ? 'lost'
        : days >= rules.lapsingDays
          ? 'lapsing'
          : now - row.firstSeen < rules.newDays * DAY_MS
            ? 'new'
            : 'regular'
    lifecycle[stage]++
    // Fields written out, not `...row`: spreading the rows measured ~50× slower in V8 (members.segments bench).
    return {
      member: row.member,
      firstSeen: row.firstSeen,
      lastSeen: row.lastSeen,
      frequency: row.frequency,
      monetary: row.monetary,
      recencyDays: days,
      r: rScore[i]!,
      f: fScore[i]!,
      m: mScore[i]!,
      lifecycle: stage,
      top: top.has(i),
    }
  })
  let running = 0
  let taken = 0
  const pareto: number[] = []
  for (let point = 1; point <= 20; point++) {
    const upTo = Math.ceil((n * point) / 20)
    for (; taken < upTo; taken++) running += rows[byValue[taken]!]!.monetary
    pareto.push(sales > 0 ? running / sales : 0)
  }
  const topSales = [...top].reduce((sum, i) => sum + rows[i]!.monetary, 0)
  return {
    at: now,
    members: n,
    sales,
    top: { members: top.size, sales: topSales, share: sales > 0 ? topSales / sales : 0 },
    pareto,
    lifecycle,
    scores,
  }
}

/** 1–5 by where each value stands among all of them; equal values get equal scores. */
export function quintiles(values: readonly number[]): number[] {
  const sorted = Float64Array.from(values).sort()
  const n = sorted.length
  return values.map((v) => 1 + Math.floor((5 * lowerBound(sorted, v)) / n))
}

function lowerBound(sorted: Float64Array, v: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! < v) lo = mid + 1
    else hi = mid
  }
  return lo
}
