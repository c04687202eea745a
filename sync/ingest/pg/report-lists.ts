/**
 * The reports that are lists (reports.ts): every voucher redeemed in a period, and one
 * merchant pair's statement. Read from the redemptions page by page in (time, id) order,
 * so a month of a thousand stores never sits in memory at once in the database's answer.
 */
import type { PgCloudDb } from './pg-cloud-db.js'
import { iso, money, type Cell, type Report, type ReportQuery } from './reports.js'

const LIST_PAGE = 10_000

interface VoucherLine {
  redemption_id: string
  voucher_key: string
  campaign: number | null
  issuer_store: string | null
  channel: string | null
  issued_at: number | null
  store: string
  time: number
  amount: number | null
  currency: string | null
  funder: string | null
  honourer: string | null
  sale_amount: number | null
  sale_currency: string | null
  pos: string | null
  reference: string | null
}

/** Redemptions in the period (not voided) with their issue and sale, page by page in time order. */
async function* voucherLines(db: PgCloudDb, where: string, args: unknown[], q: ReportQuery) {
  const start = db.days.startOf(q.from)
  const end = db.days.startOf(q.to + 1)
  let after: [number, string] = [start - 1, '']
  for (;;) {
    const page = await db.query<VoucherLine>(
      `SELECT r.redemption_id, r.voucher_key, r.campaign, r.issuer_store, i.channel, i.time AS issued_at, r.store,
              r.time, r.amount, r.currency, r.funder, r.honourer, s.amount AS sale_amount,
              s.currency AS sale_currency, s.pos, s.reference
       FROM redemptions r LEFT JOIN issues i ON i.voucher_key = r.voucher_key
         LEFT JOIN sale_lines s ON s.redemption_id = r.redemption_id
       WHERE r.time < $1 AND (r.time, r.redemption_id) > ($2, $3) AND r.voided_at IS NULL ${where}
       ORDER BY r.time, r.redemption_id LIMIT ${LIST_PAGE}`,
      [end, after[0], after[1], ...args],
    )
    yield* page.rows
    if (page.rows.length < LIST_PAGE) return
    const last = page.rows.at(-1)!
    after = [last.time, last.redemption_id]
  }
}

export async function vouchers(db: PgCloudDb, q: ReportQuery): Promise<Report> {
  const rows: Cell[][] = []
  const where = q.store ? 'AND (r.store = $4 OR r.issuer_store = $4)' : ''
  for await (const v of voucherLines(db, where, q.store ? [q.store] : [], q))
    rows.push([
      v.voucher_key,
      v.campaign,
      v.issuer_store,
      v.channel,
      iso(v.issued_at),
      v.store,
      iso(v.time),
      money(v.amount, v.currency),
      v.currency,
      money(v.sale_amount, v.sale_currency),
      v.pos,
      v.reference,
    ])
  return {
    name: 'vouchers',
    title: 'Every voucher redeemed: where it was issued, where and when it was used, the sale it came with',
    columns: [
      'voucher',
      'campaign',
      'issued_at',
      'channel',
      'issued_time',
      'redeemed_at',
      'redeemed_time',
      'value',
      'currency',
      'sale',
      'pos',
      'sale_reference',
    ],
    rows,
  }
}

/** One merchant pair's statement: every voucher, then the total per currency. */
export async function statement(db: PgCloudDb, q: ReportQuery): Promise<Report> {
  const rows: Cell[][] = []
  const totals = new Map<string, { n: number; value: number }>()
  for await (const v of voucherLines(db, 'AND r.funder = $4 AND r.honourer = $5', [q.funder, q.honourer], q)) {
    rows.push([
      iso(v.time),
      v.store,
      v.voucher_key,
      v.campaign,
      v.issuer_store,
      money(v.amount, v.currency),
      v.currency,
    ])
    const t = totals.get(v.currency ?? '') ?? { n: 0, value: 0 }
    t.n++
    t.value += v.amount ?? 0
    totals.set(v.currency ?? '', t)
  }
  for (const [currency, t] of totals)
    rows.push(['total', null, null, t.n, null, money(t.value, currency), currency || null])
  return {
    name: 'settlement',
    title: `Statement: vouchers funded by ${q.funder} and honoured at ${q.honourer}’s stores`,
    columns: ['redeemed_time', 'redeemed_at', 'voucher', 'campaign', 'issued_at', 'amount', 'currency'],
    rows,
  }
}
