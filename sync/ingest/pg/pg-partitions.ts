/**
 * Monthly partitions of `events` (by the event's own time, so a batch sent again lands
 * where it did the first time), made when a month first arrives. Made outside the ingest
 * transaction under an advisory lock: several workers may meet a new month at once, and
 * DDL inside the hot transaction would hold up every store. Old months are dropped whole
 * (docs/cloud.md, "Retention").
 */
import type pg from 'pg'
import { inTransaction } from './pg-client.js'

const PARTITION_LOCK = 7_301_942_002

/** Months since year 0 (year × 12 + month), the partition a time falls in. */
export function monthOf(time: number): number {
  const d = new Date(time)
  return d.getUTCFullYear() * 12 + d.getUTCMonth()
}

export function partitionName(month: number): string {
  const year = Math.floor(month / 12)
  const m = (month % 12) + 1
  return `events_y${String(year).padStart(4, '0')}m${String(m).padStart(2, '0')}`
}

function bounds(month: number): [number, number] {
  const year = Math.floor(month / 12)
  const m = month % 12
  return [Date.UTC(year, m, 1), Date.UTC(year, m + 1, 1)]
}

export class Partitions {
  private readonly made = new Set<number>()
  /** The bounds of a month made, the last one an event fell in. */
  private last: [number, number] = [0, 0]

  constructor(private readonly pool: pg.Pool) {}

  /** Makes the partitions these batches' events need (each month once per process). */
  async ensure(batches: { events: { time: number }[] }[]): Promise<void> {
    const missing = new Set<number>()
    for (const b of batches)
      for (const { time: t } of b.events) {
        // Most times fall in the month last seen: a range check, not a Date per event.
        if (t >= this.last[0] && t < this.last[1]) continue
        const month = monthOf(t)
        if (!this.made.has(month)) missing.add(month)
        else this.last = bounds(month)
      }
    if (missing.size === 0) return
    await inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK])
      for (const month of missing) {
        const [from, to] = bounds(month)
        if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) throw new Error(`event time out of range`)
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${partitionName(month)} PARTITION OF events FOR VALUES FROM (${from}) TO (${to})`,
        )
      }
    })
    for (const month of missing) this.made.add(month)
  }
}
