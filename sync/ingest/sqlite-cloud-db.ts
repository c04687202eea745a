/**
 * The cloud contract (cloud-db.ts) over the SQLite CloudStore: the zero-setup cloud of
 * `npm start` and `tillside cloud --db <file>`. SQLite is synchronous and one writer at a
 * time, so each batch is its own BEGIN IMMEDIATE transaction, as before the contract.
 */
import {
  emptyResult,
  type CloudCardsDb,
  type CloudDb,
  type CloudDoubleUsesDb,
  type ClaimResult,
  type DepartureRow,
  type IngestBatch,
  type IngestResult,
  type StoreRow,
} from './cloud-db.js'
import type { CloudStore } from './cloud-store.js'

export class SqliteCloudDb implements CloudDb {
  readonly kind = 'sqlite'
  readonly cards: CloudCardsDb
  readonly doubleUses: CloudDoubleUsesDb

  constructor(readonly store: CloudStore) {
    const cards = store.cards
    this.cards = {
      homeOf: async (member) => cards.homeOf(member),
      merchantOf: async (s) => cards.merchantOf(s),
      isOnline: async (s) => cards.isOnline(s),
      addCancel: async (from, key, home) => cards.addCancel(from, key, home),
      pendingCancels: async () => cards.pendingCancels(),
      cancelDone: async (from, key, outcome) => cards.cancelDone(from, key, outcome),
    }
    const doubleUses = store.doubleUses
    this.doubleUses = {
      pending: async (limit) => doubleUses.pending(limit),
      usesOf: async (key) => doubleUses.usesOf(key),
      told: async (n, outcome) => doubleUses.told(n, outcome),
    }
  }

  /** A SQLite cloud never parks batches (held ones go back to the ingest), so there is nothing to absorb. */
  async ingest(batches: IngestBatch[]): Promise<IngestResult[]> {
    const byStore = new Map<string, IngestBatch[]>()
    for (const b of batches) byStore.set(b.store, [...(byStore.get(b.store) ?? []), b])
    const results: IngestResult[] = []
    for (const [store, list] of byStore) {
      list.sort((a, b) => a.events[0]!.seq - b.events[0]!.seq)
      const result = emptyResult(store)
      const departures = new Set<string>()
      for (const [i, batch] of list.entries()) {
        const r = this.store.ingest(batch)
        result.contiguous = r.contiguous
        if (r.gap) {
          result.held = list.slice(i)
          break
        }
        result.inserted += r.inserted
        result.duplicates += r.duplicates
        result.alerts.push(...r.alerts)
        for (const d of r.departures) departures.add(d)
        if (r.inserted > 0 && batch.events.some((e) => e.type === 'card.remote_abandoned')) result.cardCancels = true
      }
      result.departures = [...departures]
      results.push(result)
    }
    return results
  }

  async claimVoucher(store: string, voucherKey: string, maxUses: number, localUses = 0): Promise<ClaimResult> {
    return this.store.claimVoucher(store, voucherKey, maxUses, localUses)
  }

  async departures(issuer: string, since: number): Promise<DepartureRow[]> {
    return this.store.departures(issuer, since)
  }

  async setStatus(store: string, state: 'online' | 'offline', merchant?: string | null): Promise<void> {
    this.store.setStatus(store, state)
    if (merchant !== undefined) this.store.cards.setMerchant(store, merchant)
  }

  /** The SQLite cloud is a store's own or a development one: it takes every store. */
  async knownStores(): Promise<Set<string> | null> {
    return null
  }

  async stores(): Promise<StoreRow[]> {
    return this.store.stores()
  }

  async close(): Promise<void> {
    this.store.close()
  }
}
