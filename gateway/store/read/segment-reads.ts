/** What the segments are computed from: every member's profile and their window's visits and sales. */
import type { ReadSource } from './read-source.js'

export interface ProfileRow {
  member: string
  firstSeen: number
  lastSeen: number
  /** Visits (days) and sales (minor units) inside the window. */
  frequency: number
  monetary: number
}

export class SegmentReads {
  constructor(private readonly db: ReadSource) {}

  /** One row per member with a profile; `fromMonth` (yyyymm) starts the window. */
  rows(fromMonth: number): ProfileRow[] {
    return this.db
      .query(
        `SELECT p.member, p.first_seen AS firstSeen, p.last_seen AS lastSeen,
           coalesce(w.frequency, 0) AS frequency, coalesce(w.monetary, 0) AS monetary
         FROM member_profiles p LEFT JOIN (
           SELECT member, sum(visits) AS frequency, sum(sales_total) AS monetary
           FROM member_months WHERE month >= ? GROUP BY member
         ) w ON w.member = p.member`,
      )
      .all(fromMonth) as ProfileRow[]
  }
}
