/**
 * Member segments from the profiles the writer keeps: RFM scores (recency, frequency,
 * monetary over a window of months, each in quintiles 1–5, 5 best), the top 20 % by value
 * and the share of sales they bring (the Pareto curve), and where each member is in their
 * life with the store: new, regular, lapsing, lost. Pure: the rows come from
 * store/read/segment-reads.ts, so a recompute never touches the journal.
 */
import type { ProfileColumns } from '../store/read/segment-reads.js'

export interface SegmentRules {
  windowMonths: number
  newDays: number
  lapsingDays: number
  lostDays: number
}

export type { ProfileColumns }

export type Lifecycle = 'new' | 'regular' | 'lapsing' | 'lost'
export const LIFECYCLES: readonly Lifecycle[] = ['new', 'regular', 'lapsing', 'lost'] // the order of STAGE_INDEX

export interface MemberScore {
  member: string
  firstSeen: number
  lastSeen: number
  frequency: number
  monetary: number
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
  scores: MemberScores
}

const DAY_MS = 86_400_000
export const TOP_SHARE = 0.2

const STAGE_INDEX: Record<Lifecycle, number> = { new: 0, regular: 1, lapsing: 2, lost: 3 }

export function computeSegments(rows: ProfileColumns, rules: SegmentRules, now: number): SegmentReport {
  const n = rows.length
  const recency = new Float64Array(n)
  const stage = new Uint8Array(n)
  const lifecycle: Record<Lifecycle, number> = { new: 0, regular: 0, lapsing: 0, lost: 0 }
  for (let i = 0; i < n; i++) {
    const days = Math.max(0, Math.floor((now - rows.lastSeen[i]!) / DAY_MS))
    recency[i] = days
    const s: Lifecycle =
      days >= rules.lostDays
        ? 'lost'
        : days >= rules.lapsingDays
          ? 'lapsing'
          : now - rows.firstSeen[i]! < rules.newDays * DAY_MS
            ? 'new'
            : 'regular'
    stage[i] = STAGE_INDEX[s]
    lifecycle[s]++
  }
  // Fewer days since the last visit is better: score the negation so 5 is always best.
  const r = quintiles(recency.map((d) => -d))
  const f = quintiles(rows.frequency.subarray(0, n))
  const m = quintiles(rows.monetary.subarray(0, n))
  // Best first by value. Members tied at the 20 % line all count as top, as equal values score alike.
  const monetary = rows.monetary.subarray(0, n)
  const byValue = Float64Array.from(monetary).sort().reverse()
  const sales = byValue.reduce((sum, v) => sum + v, 0)
  const topCount = Math.ceil(n * TOP_SHARE)
  const line = topCount > 0 ? Math.max(1, byValue[topCount - 1]!) : Infinity
  const top = new Uint8Array(n)
  let topMembers = 0
  let topSales = 0
  for (let i = 0; i < n; i++)
    if (monetary[i]! >= line) {
      top[i] = 1
      topMembers++
      topSales += monetary[i]!
    }
  const pareto: number[] = []
  let running = 0
  let taken = 0
  for (let point = 1; point <= 20; point++) {
    const upTo = Math.ceil((n * point) / 20)
    for (; taken < upTo; taken++) running += byValue[taken]!
    pareto.push(sales > 0 ? running / sales : 0)
  }
  return {
    at: now,
    members: n,
    sales,
    top: { members: topMembers, sales: topSales, share: sales > 0 ? topSales / sales : 0 },
    pareto,
    lifecycle,
    scores: new MemberScores(rows, recency, r, f, m, stage, top),
  }
}

/** Every member's scores, kept as columns and made into an object only when asked for (the CSV, a campaign). */
export class MemberScores implements Iterable<MemberScore> {
  constructor(
    private readonly rows: ProfileColumns,
    private readonly recency: Float64Array,
    private readonly r: Uint8Array,
    private readonly f: Uint8Array,
    private readonly m: Uint8Array,
    private readonly stage: Uint8Array,
    private readonly top: Uint8Array,
  ) {}

  get length(): number {
    return this.rows.length
  }

  memberAt(i: number): string {
    return this.rows.member[i]!
  }

  at(i: number): MemberScore {
    const rows = this.rows
    return {
      member: rows.member[i]!,
      firstSeen: rows.firstSeen[i]!,
      lastSeen: rows.lastSeen[i]!,
      frequency: rows.frequency[i]!,
      monetary: rows.monetary[i]!,
      recencyDays: this.recency[i]!,
      r: this.r[i]!,
      f: this.f[i]!,
      m: this.m[i]!,
      lifecycle: LIFECYCLES[this.stage[i]!]!,
      top: this.top[i] === 1,
    }
  }

  *[Symbol.iterator](): Iterator<MemberScore> {
    for (let i = 0; i < this.rows.length; i++) yield this.at(i)
  }
}

/**
 * 1–5 by where each value stands among all of them (the share of values below it, in
 * fifths); equal values get equal scores. Four thresholds from one sort, not a search per value.
 */
export function quintiles(values: ArrayLike<number>): Uint8Array {
  const sorted = Float64Array.from(values).sort()
  const n = sorted.length
  // A value scores above k when at least ceil(k·n/5) values are below it: when it exceeds the ceil(k·n/5)-th smallest.
  const [a, b, c, d] = [1, 2, 3, 4].map((k) => {
    const below = Math.ceil((k * n) / 5)
    return below === 0 ? -Infinity : sorted[below - 1]!
  }) as [number, number, number, number]
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    const v = values[i]!
    out[i] = 1 + (v > a ? 1 : 0) + (v > b ? 1 : 0) + (v > c ? 1 : 0) + (v > d ? 1 : 0)
  }
  return out
}
