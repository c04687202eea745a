/**
 * The store's member segments from the profiles: the back office, the CSV export and
 * campaign targeting read the same report. A small store's report is made afresh each
 * time; one that took long to make (a big store) is kept for a minute.
 */
import type { Config } from '../../config/schema.js'
import type { Logger } from '../log.js'
import type { ReadSource } from '../store/read/read-source.js'
import { SegmentReads } from '../store/read/segment-reads.js'
import { computeSegments, type Lifecycle, type SegmentReport } from './segments.js'

const FRESH_MS = 60_000
const SLOW_MS = 100

export class MemberSegments {
  private readonly reads: SegmentReads
  /** A slow report, kept for a minute and then let go: 200,000 members' columns are ~25 MB. */
  private cached: SegmentReport | null = null
  private forget: NodeJS.Timeout | null = null
  /** Where each member is in the cached report, made when first asked. */
  private index: { report: SegmentReport; at: Map<string, number> } | null = null

  constructor(
    db: ReadSource,
    private readonly rules: Config['members']['segments'],
    private readonly log: Logger,
  ) {
    this.reads = new SegmentReads(db)
  }

  report(now = Date.now()): SegmentReport {
    if (this.cached && now - this.cached.at < FRESH_MS && now >= this.cached.at) return this.cached
    const started = performance.now()
    const report = computeSegments(this.reads.columns(windowStart(now, this.rules.windowMonths)), this.rules, now)
    const ms = performance.now() - started
    this.log.debug({ members: report.members, ms: Math.round(ms) }, 'member segments computed')
    if (ms >= SLOW_MS) {
      this.cached = report
      if (this.forget) clearTimeout(this.forget)
      this.forget = setTimeout(() => {
        this.cached = null
        this.index = null
      }, FRESH_MS).unref()
    }
    return report
  }

  /** A member's stage and whether they are among the top 20 % (campaign audiences, extra plays); null when unknown. */
  segmentOf(memberId: string, now = Date.now()): { lifecycle: Lifecycle; top: boolean } | null {
    const report = this.report(now)
    if (this.index?.report !== report) {
      const at = new Map<string, number>()
      for (let i = 0; i < report.scores.length; i++) at.set(report.scores.memberAt(i), i)
      this.index = { report, at }
    }
    const i = this.index.at.get(memberId)
    if (i === undefined) return null
    const s = report.scores.at(i)
    return { lifecycle: s.lifecycle, top: s.top }
  }
}

/** The first month (yyyymm, local) of a window of `months` ending with this one. */
export function windowStart(now: number, months: number): number {
  const d = new Date(now)
  const index = d.getFullYear() * 12 + d.getMonth() - (months - 1)
  return Math.floor(index / 12) * 100 + (index % 12) + 1
}
