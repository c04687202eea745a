/**
 * The closed pipe's departures: this store's vouchers redeemed at partner stores. Only
 * the cloud sees those redemptions; it sends its count down (command pipe-summary, every
 * few minutes while it changes), the newest count is kept (sync.pipeSummary), and the back
 * office shows it with when it was counted — the store may have been offline since.
 */
import type { Journal } from '../store/journal.js'
import { SyncReads } from '../store/read/sync-reads.js'

export interface DepartureRow {
  redeemer: string
  campaign: number
  used: number
  /** Minor units (vouchers for an item count 0). */
  value: number
}

export interface Departures {
  /** When the cloud counted (ms). */
  at: number
  /** Rolling windows back from `at`: 1, 7, 30 and 90 days. */
  windows: { days: number; rows: DepartureRow[] }[]
}

export class PipeDepartures {
  private readonly reads: SyncReads

  constructor(private readonly journal: Pick<Journal, 'execute' | 'query'>) {
    this.reads = new SyncReads(journal)
  }

  /** Keeps a count unless a newer one is kept already; true when kept. */
  async save(d: Departures): Promise<boolean> {
    const { result } = await this.journal.execute('sync.pipeSummary', { at: d.at, body: JSON.stringify(d) })
    return result.saved
  }

  /** The latest count for the window of `days` (the nearest window at or above it), or null before the first. */
  window(days: number): { at: number; days: number; rows: DepartureRow[] } | null {
    const kept = this.reads.pipeSummary()
    if (!kept) return null
    const d = JSON.parse(kept.body) as Departures
    const w = [...d.windows].sort((a, b) => a.days - b.days).find((x) => x.days >= days) ?? d.windows.at(-1)
    return w ? { at: d.at, days: w.days, rows: w.rows } : null
  }
}
