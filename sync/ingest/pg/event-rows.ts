/**
 * What the PostgreSQL cloud keeps besides the events themselves, derived from a set of
 * newly stored events: vouchers issued, redemptions and their voids, the sales that came
 * with redemptions, members' home stores, card payments given up on. Pure: the ingest
 * transaction (pg-ingest.ts) writes these rows set-wise, one statement per kind.
 * Event payloads are the stores' (gateway/store/event-contract.ts); a field that is
 * missing or of the wrong type leaves the row out rather than failing the batch.
 */
import type { WireEvent } from '../../contract.js'
import type { Accepted } from './pg-ingest.js'

export interface IssueRow {
  voucherKey: string
  store: string
  seq: number
  campaign: number
  channel: string
  member: string | null
  time: number
}

export interface RedemptionRow {
  redemptionId: string
  voucherKey: string
  store: string
  seq: number
  time: number
  maxUses: number
  issuerStore: string | null
  campaign: number | null
  /** The merchant whose campaign it is: who pays for the voucher. */
  funder: string | null
  /** The redeeming store's merchant: who honoured it. */
  honourer: string | null
  amount: number | null
  currency: string | null
}

export interface SaleLine {
  redemptionId: string
  store: string
  seq: number
  time: number
  amount: number
  currency: string
  pos: string
  reference: string | null
}

export interface VoidRow {
  redemptionId: string
  time: number
}

export interface DerivedRows {
  issues: IssueRow[]
  redemptions: RedemptionRow[]
  voids: VoidRow[]
  sales: SaleLine[]
  homes: { member: string; store: string; since: number }[]
  forgotten: { member: string; store: string }[]
  abandoned: { store: string; key: string; member: string; time: number }[]
}

const str = (x: unknown): string | null => (typeof x === 'string' && x.length > 0 ? x : null)
const int = (x: unknown): number | null => (Number.isSafeInteger(x) ? (x as number) : null)

/** The chain-wide voucher key, as gateway/vouchers/voucher-code.ts makes it. */
export const voucherKeyOf = (kid: number, campaign: number, serial: number) => `${kid}:${campaign}:${serial}`

/** @param merchantOf the store's merchant from its birth, for events from before redemptions named it */
/** @param accepted the batches stored and the seqs of each that are new (lo…hi) */
export function deriveRows(accepted: Accepted[], merchantOf: (store: string) => string | null): DerivedRows {
  const rows: DerivedRows = {
    issues: [],
    redemptions: [],
    voids: [],
    sales: [],
    homes: [],
    forgotten: [],
    abandoned: [],
  }
  for (const a of accepted)
    for (const e of a.batch.events) if (e.seq >= a.lo) derive(rows, a.batch.store, e, merchantOf)
  return rows
}

function derive(rows: DerivedRows, store: string, e: WireEvent, merchantOf: (store: string) => string | null): void {
  const p = (e.payload ?? {}) as Record<string, unknown>
  switch (e.type) {
    case 'voucher.issued': {
      const [kid, campaign, serial] = [int(p.kid), int(p.campaign), int(p.serial)]
      if (kid === null || campaign === null || serial === null) break
      rows.issues.push({
        voucherKey: voucherKeyOf(kid, campaign, serial),
        store,
        seq: e.seq,
        campaign,
        channel: str(p.channel) ?? 'unknown',
        member: str(p.member),
        time: e.time,
      })
      break
    }
    case 'voucher.redeemed': {
      const key = str(p.voucherKey)
      if (!key) break
      const issuerStore = str(p.issuerStore)
      const value = (p.value ?? {}) as { amount?: unknown; currency?: unknown }
      rows.redemptions.push({
        redemptionId: e.id,
        voucherKey: key,
        store,
        seq: e.seq,
        time: e.time,
        maxUses: int(p.maxUses) ?? 1,
        issuerStore,
        campaign: int(p.campaign),
        funder: str(p.issuerMerchant) ?? (issuerStore ? merchantOf(issuerStore) : null),
        honourer: str(p.storeMerchant) ?? merchantOf(store),
        amount: int(value.amount),
        currency: str(value.currency),
      })
      break
    }
    case 'voucher.voided': {
      const id = str(p.redemptionId)
      if (id) rows.voids.push({ redemptionId: id, time: e.time })
      break
    }
    case 'pos.sale': {
      const amount = int(p.amount)
      const currency = str(p.currency)
      if (amount === null || !currency || !Array.isArray(p.redemptions)) break
      for (const id of p.redemptions) {
        if (typeof id !== 'string') continue
        rows.sales.push({
          redemptionId: id,
          store,
          seq: e.seq,
          time: e.time,
          amount,
          currency,
          pos: str(p.pos) ?? '',
          reference: str(p.reference),
        })
      }
      break
    }
    case 'member.created': {
      const member = str(p.memberId)
      if (member) rows.homes.push({ member, store, since: e.time })
      break
    }
    case 'member.forgotten': {
      const member = str(p.memberId)
      if (member) rows.forgotten.push({ member, store })
      break
    }
    case 'card.remote_abandoned': {
      const [member, key] = [str(p.memberId), str(p.key)]
      if (member && key) rows.abandoned.push({ store, key, member, time: e.time })
      break
    }
  }
}

export const HOUR_MS = 3_600_000
