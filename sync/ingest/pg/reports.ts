/**
 * The chain's reports on the PostgreSQL cloud (docs/cloud.md "Reports"): what the closed
 * pipe brought and who owes whom. Periods are whole days in the chain's zone, both ends
 * included. Totals come from the daily roll-ups the ingest keeps (a month of a thousand
 * stores is tens of thousands of rows, not millions of events); lists come from the
 * redemptions, paged by (time, id). Money is in the currency's units ("20.00").
 */
import type { PgCloudDb } from './pg-cloud-db.js'
import { statement, vouchers } from './report-lists.js'

export interface ReportQuery {
  /** First and last day (day numbers in the chain's zone), both included. */
  from: number
  to: number
  /** vouchers: only those issued or redeemed at this store. */
  store?: string
  /** settlement: the statement of one merchant pair, with its voucher list. */
  funder?: string
  honourer?: string
}

export type Cell = string | number | null

export interface Report {
  name: string
  title: string
  columns: string[]
  rows: Cell[][]
}

export const REPORT_NAMES = ['attribution', 'vouchers', 'settlement', 'double-use', 'overview', 'campaigns'] as const
export type ReportName = (typeof REPORT_NAMES)[number]

/** Minor units → the currency's units as text (CNY 2000 → "20.00"); null stays null. */
export function money(minor: number | null, currency: string | null): string | null {
  if (minor === null) return null
  let digits = 2
  try {
    if (currency)
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  } catch {
    // not an ISO currency: two places
  }
  const sign = minor < 0 ? '-' : ''
  const abs = Math.abs(minor)
  if (digits === 0) return `${sign}${abs}`
  const unit = 10 ** digits
  return `${sign}${Math.floor(abs / unit)}.${String(abs % unit).padStart(digits, '0')}`
}

export const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())

export async function runReport(db: PgCloudDb, name: ReportName, q: ReportQuery): Promise<Report> {
  switch (name) {
    case 'attribution':
      return attribution(db, q)
    case 'vouchers':
      return vouchers(db, q)
    case 'settlement':
      return q.funder && q.honourer ? statement(db, q) : settlement(db, q)
    case 'double-use':
      return doubleUse(db, q)
    case 'overview':
      return overview(db, q)
    case 'campaigns':
      return campaigns(db, q)
  }
}

/** Per campaign, issuing store and redeeming store: issued there, redeemed here, rate, worth, days to redeem. */
async function attribution(db: PgCloudDb, q: ReportQuery): Promise<Report> {
  const r = await db.query<{
    campaign: number
    issuer: string
    redeemer: string | null
    issued: number | null
    redeemed: number | null
    value: number | null
    currency: string | null
    days_ms: number | null
    days_n: number | null
  }>(
    `WITH red AS (
       SELECT campaign, issuer, redeemer, currency, sum(n)::bigint AS redeemed, sum(value)::bigint AS value,
              sum(days_ms)::bigint AS days_ms, sum(days_n)::bigint AS days_n
       FROM redeemed_daily WHERE day BETWEEN $1 AND $2 GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0),
     iss AS (
       SELECT campaign, store AS issuer, sum(n)::bigint AS issued FROM issued_daily
       WHERE day BETWEEN $1 AND $2 GROUP BY 1, 2)
     SELECT coalesce(r.campaign, i.campaign) AS campaign, coalesce(r.issuer, i.issuer) AS issuer, r.redeemer,
            i.issued, r.redeemed, r.value, r.currency, r.days_ms, r.days_n
     FROM red r FULL JOIN iss i ON i.campaign = r.campaign AND i.issuer = r.issuer
     ORDER BY 1, 2, r.redeemed DESC NULLS LAST, 3`,
    [q.from, q.to],
  )
  return {
    name: 'attribution',
    title: 'Vouchers issued at one store and redeemed at another, per campaign',
    columns: ['campaign', 'issued_at', 'redeemed_at', 'issued', 'redeemed', 'rate', 'value', 'currency', 'avg_days'],
    rows: r.rows.map((x) => [
      x.campaign,
      x.issuer || null,
      x.redeemer,
      x.issued ?? 0,
      x.redeemed ?? 0,
      x.issued ? ((x.redeemed ?? 0) / x.issued).toFixed(3) : null,
      money(x.value, x.currency),
      x.currency || null,
      x.days_n ? (x.days_ms! / x.days_n / 86_400_000).toFixed(1) : null,
    ]),
  }
}

/** Per merchant pair: the vouchers one merchant funds that another's stores honoured, and what they are worth. */
async function settlement(db: PgCloudDb, q: ReportQuery): Promise<Report> {
  const r = await db.query<{ funder: string; honourer: string; currency: string; n: number; value: number }>(
    `SELECT funder, honourer, currency, sum(n)::bigint AS n, sum(value)::bigint AS value FROM redeemed_daily
     WHERE day BETWEEN $1 AND $2 AND funder <> honourer AND funder <> '' AND honourer <> ''
     GROUP BY 1, 2, 3 HAVING sum(n) <> 0 ORDER BY 1, 2, 3`,
    [q.from, q.to],
  )
  return {
    name: 'settlement',
    title: 'Who owes whom: vouchers funded by one merchant and honoured at another’s stores',
    columns: ['funder', 'honourer', 'vouchers', 'amount', 'currency'],
    rows: r.rows.map((x) => [x.funder, x.honourer, x.n, money(x.value, x.currency), x.currency]),
  }
}

/**
 * Vouchers redeemed beyond their uses at several stores (offline, found when the events
 * met): both uses, the value at risk, and which stores' back offices have been told.
 */
async function doubleUse(db: PgCloudDb, q: ReportQuery): Promise<Report> {
  const r = await db.query<{
    time: number
    voucher_key: string
    stores: string[]
    at_risk: number
    currency: string | null
    uses: string | null
    told: string | null
  }>(
    `SELECT DISTINCT ON (a.voucher_key) a.time, a.voucher_key, a.stores, a.at_risk, a.currency,
       (SELECT string_agg(r.store || ' ' || to_char(to_timestamp(r.time / 1000.0) AT TIME ZONE 'UTC',
                 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), '; ' ORDER BY r.time)
        FROM redemptions r WHERE r.voucher_key = a.voucher_key AND r.voided_at IS NULL) AS uses,
       (SELECT string_agg(n.store, ' ' ORDER BY n.store) FROM double_use_notices n
        WHERE n.voucher_key = a.voucher_key AND n.told_at IS NOT NULL) AS told
     FROM alerts a WHERE a.kind = 'double_redemption' AND a.time >= $1 AND a.time < $2
     ORDER BY a.voucher_key, a.time DESC`,
    [db.days.startOf(q.from), db.days.startOf(q.to + 1)],
  )
  return {
    name: 'double-use',
    title: 'Vouchers used more often than they allow, across stores',
    columns: ['found', 'voucher', 'stores', 'uses', 'at_risk', 'currency', 'told'],
    rows: r.rows
      .sort((a, b) => a.time - b.time)
      .map((x) => [
        iso(x.time),
        x.voucher_key,
        x.stores.join(' '),
        x.uses,
        money(x.at_risk, x.currency),
        x.currency,
        x.told ?? '',
      ]),
  }
}

/** Every store: online or not, how far behind, events per day in the period. */
async function overview(db: PgCloudDb, q: ReportQuery): Promise<Report> {
  const days = q.to - q.from + 1
  const r = await db.query<{
    store: string
    name: string | null
    merchant: string | null
    status: string | null
    status_at: number | null
    last_batch_at: number | null
    behind: number
    events: number
    gaps: number
  }>(
    `SELECT s.store, s.name, s.merchant, s.status, s.status_at, s.last_batch_at,
            greatest(coalesce(s.birth_last_seq, 0) - s.contiguous, 0) AS behind, coalesce(d.n, 0)::bigint AS events, s.gaps
     FROM stores s LEFT JOIN (SELECT store, sum(n) AS n FROM events_daily WHERE day BETWEEN $1 AND $2 GROUP BY store) d
       ON d.store = s.store
     ORDER BY s.store`,
    [q.from, q.to],
  )
  const now = Date.now()
  return {
    name: 'overview',
    title: 'The chain’s stores: connected, behind, busy',
    columns: [
      'store',
      'name',
      'merchant',
      'status',
      'since',
      'last_events',
      'behind_events',
      'backlog_age_s',
      'events_per_day',
    ],
    rows: r.rows.map((x) => [
      x.store,
      x.name,
      x.merchant,
      x.status ?? 'never seen',
      iso(x.status_at),
      iso(x.last_batch_at),
      x.behind,
      x.behind > 0 && x.last_batch_at !== null ? Math.round((now - x.last_batch_at) / 1000) : 0,
      Math.round(x.events / days),
    ]),
  }
}

/** Campaigns by what they brought in the period. */
async function campaigns(db: PgCloudDb, q: ReportQuery): Promise<Report> {
  const r = await db.query<{ campaign: number; issued: number; redeemed: number; value: number; currency: string }>(
    `WITH red AS (SELECT campaign, currency, sum(n)::bigint AS redeemed, sum(value)::bigint AS value FROM redeemed_daily
                  WHERE day BETWEEN $1 AND $2 GROUP BY 1, 2),
          iss AS (SELECT campaign, sum(n)::bigint AS issued FROM issued_daily WHERE day BETWEEN $1 AND $2 GROUP BY 1)
     SELECT coalesce(r.campaign, i.campaign) AS campaign, coalesce(i.issued, 0) AS issued,
            coalesce(r.redeemed, 0) AS redeemed, r.value, r.currency
     FROM red r FULL JOIN iss i ON i.campaign = r.campaign
     ORDER BY redeemed DESC, issued DESC, campaign LIMIT 50`,
    [q.from, q.to],
  )
  return {
    name: 'campaigns',
    title: 'Top campaigns in the period',
    columns: ['campaign', 'issued', 'redeemed', 'rate', 'value', 'currency'],
    rows: r.rows.map((x) => [
      x.campaign,
      x.issued,
      x.redeemed,
      x.issued ? (x.redeemed / x.issued).toFixed(3) : null,
      money(x.value, x.currency),
      x.currency || null,
    ]),
  }
}
