/**
 * Which stores' batches the ingest takes: the database's enrolment (a PostgreSQL cloud),
 * or any store (SQLite: a store's own or a development cloud). Read again every 10 s, and
 * at most once a second when a store it does not know sends — one just enrolled gets in
 * within a second, a stranger flooding costs a read a second, not one a batch.
 */
import type { CloudDb } from './cloud-db.js'

const EVERY_MS = 10_000
const AFTER_MISS_MS = 1_000

export class KnownStores {
  private known: { set: Set<string> | null; at: number } | null = null
  private loading: Promise<Set<string> | null> | null = null

  constructor(private readonly db: CloudDb) {}

  async has(store: string): Promise<boolean> {
    const now = Date.now()
    const stale = !this.known || now - this.known.at > EVERY_MS
    const missed = this.known?.set && !this.known.set.has(store) && now - this.known.at > AFTER_MISS_MS
    if (stale || missed) {
      this.loading ??= this.db.knownStores().finally(() => (this.loading = null))
      this.known = { set: await this.loading, at: Date.now() }
    }
    return this.known!.set === null || this.known!.set.has(store)
  }
}
