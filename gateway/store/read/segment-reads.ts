/**
 * What the segments are computed from: every member's profile and their window's visits
 * and sales, as columns (typed arrays): at 200,000 members an object per member costs more
 * than the scoring itself.
 */
import type { ReadSource } from './read-source.js'

export interface ProfileColumns {
  length: number
  member: string[]
  firstSeen: Float64Array
  lastSeen: Float64Array
  /** Visits (days) and sales (minor units) inside the window. */
  frequency: Float64Array
  monetary: Float64Array
}

export class SegmentReads {
  constructor(private readonly db: ReadSource) {}

  /** One entry per member with a profile; `fromMonth` (yyyymm) starts the window. */
  columns(fromMonth: number): ProfileColumns {
    const n = this.db.query('SELECT count(*) FROM member_profiles').pluck().get() as number
    const cols: ProfileColumns = {
      length: 0,
      member: [],
      firstSeen: new Float64Array(n),
      lastSeen: new Float64Array(n),
      frequency: new Float64Array(n),
      monetary: new Float64Array(n),
    }
    // Both come in member order (the tables' primary keys), so they merge in one pass.
    const window = this.db
      .query(
        'SELECT member, sum(visits), sum(sales_total) FROM member_months WHERE month >= ? GROUP BY member ORDER BY member',
      )
      .raw()
      .all(fromMonth) as [string, number, number][]
    const profiles = this.db
      .query('SELECT member, first_seen, last_seen FROM member_profiles ORDER BY member')
      .raw()
      .iterate() as IterableIterator<[string, number, number]>
    let i = 0
    let j = 0
    for (const [member, first, last] of profiles) {
      if (i === n) break // a member enrolled since the count: next time
      while (j < window.length && window[j]![0] < member) j++
      cols.member.push(member)
      cols.firstSeen[i] = first
      cols.lastSeen[i] = last
      if (j < window.length && window[j]![0] === member) {
        cols.frequency[i] = window[j]![1]
        cols.monetary[i] = window[j]![2]
      }
      i++
    }
    cols.length = i
    return cols
  }
}

/** Rows as columns (tests, and the bench's recompute from events). */
export function columnsOf(
  rows: readonly { member: string; firstSeen: number; lastSeen: number; frequency: number; monetary: number }[],
): ProfileColumns {
  return {
    length: rows.length,
    member: rows.map((r) => r.member),
    firstSeen: Float64Array.from(rows, (r) => r.firstSeen),
    lastSeen: Float64Array.from(rows, (r) => r.lastSeen),
    frequency: Float64Array.from(rows, (r) => r.frequency),
    monetary: Float64Array.from(rows, (r) => r.monetary),
  }
}
