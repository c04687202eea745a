/**
 * What the cloud ingest needs of its database, as one async contract with two
 * implementations: SQLite (sqlite-cloud-db.ts, the zero-setup default inside a store's
 * gateway and for `tillside cloud --db file`) and PostgreSQL (pg/, for a chain: several
 * ingest workers on several machines over one database). test/cloud/cloud-db-contract
 * runs the same suite against both.
 */
import type { EventBatch } from '../contract.js'

/** A batch as it arrived: parsed, and the text it was parsed from (a database may store that as it is). */
export interface IngestBatch extends EventBatch {
  raw?: string
}

export interface IngestResult {
  store: string
  /** What to acknowledge: the highest seq held contiguously from 1. */
  contiguous: number
  inserted: number
  duplicates: number
  /** Issuing stores whose vouchers these batches show redeemed (or voided) at another store. */
  departures: string[]
  /**
   * Batches that start past the contiguous mark (an earlier one has not arrived, or went to
   * another worker): not stored — events are stored in seq order only. The ingest holds
   * them a moment and offers them again, then asks the store to send again.
   */
  held: IngestBatch[]
  alerts: { kind: string; detail: string }[]
  /** A card payment given up on arrived: the home store has a cancel to be told about. */
  cardCancels: boolean
  /**
   * Batches of this store wait in the database behind a hole (a PostgreSQL cloud parks them
   * rather than hold them in memory): whoever fills the hole stores them. The ingest asks
   * again (`absorb`) when it hears the mark moved, and after the hold window asks the
   * store to send again.
   */
  parked?: boolean
  /**
   * Another worker was storing this store's batches at that moment: nothing was looked at;
   * `held` has them all, to be offered again when that commit is heard of (not a hole).
   */
  busy?: boolean
  /**
   * The database would not take this store's batches (data it cannot hold): nothing of
   * them stored, nothing acknowledged; the other stores of the transaction are not held up.
   */
  refused?: string
}

/** A store's result with nothing done yet: its mark and no more (the engines fill it in). */
export function emptyResult(store: string, contiguous = 0): IngestResult {
  return { store, contiguous, inserted: 0, duplicates: 0, departures: [], held: [], alerts: [], cardCancels: false }
}

/** ok: `allowedUses` is how many uses the asking store may reach in all, its own included. */
export type ClaimResult = { ok: true; allowedUses: number } | { ok: false; detail: string }

/** How long an online check's yes holds a use for the asking store before the redemption must have arrived. */
export const CLAIM_TTL_MS = 10 * 60_000

export interface DepartureRow {
  redeemer: string
  campaign: number
  used: number
  value: number
}

export interface StoreRow {
  store: string
  contiguous: number
  received: number
  duplicates: number
  gaps: number
  status: string | null
}

/** Where a card payment made at another store is routed (sync/ingest/card-relay.ts). */
export interface CloudCardsDb {
  homeOf(member: string): Promise<string | null>
  merchantOf(store: string): Promise<string | null>
  /** The store's retained status says it is connected (its Last Will clears that when it drops). */
  isOnline(store: string): Promise<boolean>
  /** The payment under (from, key) is to be taken back at `home`, if it was made there. */
  addCancel(from: string, key: string, home: string): Promise<void>
  /** Payments given up on whose home store has not yet answered the cancel. */
  pendingCancels(): Promise<{ from: string; key: string; home: string }[]>
  cancelDone(from: string, key: string, outcome: string): Promise<void>
}

/** One redemption of a voucher, as the cloud holds it: what a double-use notice lists. */
export interface VoucherUse {
  store: string
  /** The store's name from its enrolment, when the cloud has one. */
  storeName: string | null
  seq: number
  time: number
  voided: boolean
  /** The voucher.redeemed event's payload (cashier, campaign, value, issuer…). */
  payload: Record<string, unknown>
}

/** A store still to be told of a voucher redeemed beyond its uses; `round` grows with each new use found. */
export interface PendingDoubleUse {
  voucherKey: string
  store: string
  round: number
}

/** The double uses each store involved must hear of (sync/ingest/double-use-notices.ts). */
export interface CloudDoubleUsesDb {
  /** Oldest first; a store hears of a voucher again when a later use raised a new round. */
  pending(limit: number): Promise<PendingDoubleUse[]>
  /** Every redemption held of the voucher, voided ones flagged, oldest first. */
  usesOf(voucherKey: string): Promise<VoucherUse[]>
  /** The store answered this round (a newer round stays pending). */
  told(notice: PendingDoubleUse, outcome: string): Promise<void>
}

export interface CloudDb {
  /** Which engine, for logs and `tillside cloud` output. */
  readonly kind: 'sqlite' | 'postgres'
  readonly cards: CloudCardsDb
  readonly doubleUses: CloudDoubleUsesDb
  /**
   * Stores the batches idempotently by (store, seq) — several stores' at once, each store's
   * in seq order — and returns per store (of the batches and of `absorb`, stores whose
   * parked batches may now fit) what to acknowledge. Resolves only once they are durable:
   * the ack is published after this.
   */
  ingest(batches: IngestBatch[], absorb?: string[]): Promise<IngestResult[]>
  /**
   * An online check: yes (and a claim held for `store`) while the other stores' uses
   * (arrived, or claimed and not yet arrived) plus the asking store's own (arrived, or its
   * `localUses` — its own redemptions may still be on their way) leave a use, so local +
   * remote never exceeds maxUses whatever the sync lag (issue #13).
   */
  claimVoucher(store: string, voucherKey: string, maxUses: number, localUses?: number): Promise<ClaimResult>
  /** An issuer's vouchers redeemed at other stores since `since` (ms), per redeeming store and campaign. */
  departures(issuer: string, since: number): Promise<DepartureRow[]>
  /**
   * From the store's retained status: online/offline and, on a birth, the merchant it
   * belongs to and the last seq it had journaled (how far behind it is).
   */
  setStatus(store: string, state: 'online' | 'offline', merchant?: string | null, lastSeq?: number): Promise<void>
  /** Stores this cloud takes batches from; null: any store (a development cloud). */
  knownStores(): Promise<Set<string> | null>
  stores(): Promise<StoreRow[]>
  /**
   * Calls `listener` when another worker's commit moved stores' marks ('all' when it does
   * not say which), so batches held here behind a hole are offered again at once. Without
   * it held batches are retried on a short timer.
   */
  watchProgress?(listener: (stores: string[] | 'all') => void): void
  close(): Promise<void>
}
