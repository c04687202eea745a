/**
 * The daily roll-ups the reports read, summed in memory over one ingest transaction and
 * written with one upsert per table (ON CONFLICT … DO UPDATE adds): events per store and
 * day, vouchers issued per campaign/store/channel and day, redemptions per campaign,
 * issuer, redeemer and merchant pair and day (voids take them back), and the departures
 * the pipe summaries send. Each key appears once per statement, as an upsert requires.
 * Keys of the roll-ups belong to the transaction's own stores, so two workers never wait
 * on one roll-up row.
 */
import type pg from 'pg'

/** A redemption row as the ingest's statements return it, counted in or out of the roll-ups. */
export interface RedeemedRow {
  store: string
  time: number
  campaign: number | null
  issuer_store: string | null
  funder: string | null
  honourer: string | null
  amount: number | null
  currency: string | null
  issued_at: number | null
}

const key = (...parts: (string | number)[]) => JSON.stringify(parts)

export class Rollup {
  /** @param dayOf the chain's day of a time (zone-days.ts) */
  constructor(private readonly dayOf: (time: number) => number) {}

  private readonly events = new Map<string, number>()
  private readonly issuedRows = new Map<string, number>()
  private readonly redeemedRows = new Map<string, { n: number; value: number; daysMs: number; daysN: number }>()
  private readonly departures = new Map<string, { used: number; value: number }>()

  eventsStored(time: number, store: string, n: number): void {
    const k = key(this.dayOf(time), store)
    this.events.set(k, (this.events.get(k) ?? 0) + n)
  }

  issued(time: number, campaign: number, store: string, channel: string): void {
    const k = key(this.dayOf(time), campaign, store, channel)
    this.issuedRows.set(k, (this.issuedRows.get(k) ?? 0) + 1)
  }

  /** A redemption stored (+1) or voided (-1), counted on its own day. */
  redeemed(r: RedeemedRow, sign: 1 | -1): void {
    const days = r.issued_at === null ? null : Math.max(0, r.time - r.issued_at)
    this.addRedeemed(r, sign, sign * (r.amount ?? 0), days === null ? 0 : sign * days, days === null ? 0 : sign)
  }

  /** Its voucher's issue arrived after it: its issue-to-redeem time now counts. */
  redeemDays(r: RedeemedRow): void {
    this.addRedeemed(r, 0, 0, Math.max(0, r.time - r.issued_at!), 1)
  }

  departure(issuer: string, hour: number, redeemer: string, campaign: number, used: number, value: number): void {
    const k = key(issuer, hour, redeemer, campaign)
    const d = this.departures.get(k) ?? { used: 0, value: 0 }
    d.used += used
    d.value += value
    this.departures.set(k, d)
  }

  private addRedeemed(r: RedeemedRow, n: number, value: number, daysMs: number, daysN: number): void {
    if (r.campaign === null) return
    const k = key(
      this.dayOf(r.time),
      r.campaign,
      r.issuer_store ?? '',
      r.store,
      r.funder ?? '',
      r.honourer ?? '',
      r.currency ?? '',
    )
    const row = this.redeemedRows.get(k) ?? { n: 0, value: 0, daysMs: 0, daysN: 0 }
    row.n += n
    row.value += value
    row.daysMs += daysMs
    row.daysN += daysN
    this.redeemedRows.set(k, row)
  }

  /** Rows go in key order: two transactions touching the same rows take them in one order, never deadlocking. */
  async write(client: pg.PoolClient): Promise<void> {
    for (const m of [this.events, this.issuedRows, this.redeemedRows, this.departures] as Map<string, unknown>[]) {
      const sorted = [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      m.clear()
      for (const [k, v] of sorted) m.set(k, v)
    }
    const cols = <T>(m: Map<string, T>, i: number) => [...m.keys()].map((k) => (JSON.parse(k) as unknown[])[i])
    if (this.events.size > 0)
      await client.query(
        `INSERT INTO events_daily (day, store, n) SELECT * FROM unnest($1::int[], $2::text[], $3::bigint[])
         ON CONFLICT (day, store) DO UPDATE SET n = events_daily.n + excluded.n`,
        [cols(this.events, 0), cols(this.events, 1), [...this.events.values()]],
      )
    if (this.issuedRows.size > 0)
      await client.query(
        `INSERT INTO issued_daily (day, campaign, store, channel, n)
         SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::bigint[])
         ON CONFLICT (day, campaign, store, channel) DO UPDATE SET n = issued_daily.n + excluded.n`,
        [0, 1, 2, 3].map((i) => cols(this.issuedRows, i)).concat([[...this.issuedRows.values()]]),
      )
    if (this.redeemedRows.size > 0) {
      const v = [...this.redeemedRows.values()]
      await client.query(
        `INSERT INTO redeemed_daily (day, campaign, issuer, redeemer, funder, honourer, currency, n, value, days_ms, days_n)
         SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
           $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[])
         ON CONFLICT (day, campaign, issuer, redeemer, funder, honourer, currency) DO UPDATE SET
           n = redeemed_daily.n + excluded.n, value = redeemed_daily.value + excluded.value,
           days_ms = redeemed_daily.days_ms + excluded.days_ms, days_n = redeemed_daily.days_n + excluded.days_n`,
        [
          ...[0, 1, 2, 3, 4, 5, 6].map((i) => cols(this.redeemedRows, i)),
          v.map((x) => x.n),
          v.map((x) => x.value),
          v.map((x) => x.daysMs),
          v.map((x) => x.daysN),
        ],
      )
    }
    if (this.departures.size > 0) {
      const v = [...this.departures.values()]
      await client.query(
        `INSERT INTO departures (issuer, hour, redeemer, campaign, used, value)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::int[], $5::bigint[], $6::bigint[])
         ON CONFLICT (issuer, hour, redeemer, campaign) DO UPDATE SET
           used = departures.used + excluded.used, value = departures.value + excluded.value`,
        [...[0, 1, 2, 3].map((i) => cols(this.departures, i)), v.map((x) => x.used), v.map((x) => x.value)],
      )
    }
  }
}
