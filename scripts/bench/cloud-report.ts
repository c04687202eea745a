/**
 * cloud.report: the chain's reports over one month of 1,000 stores at 20,000,000 events
 * (BENCH_REPORT_EVENTS), each timed as `tillside cloud report` runs it (median of three).
 * The rows the ingest derives from that month are seeded directly with SQL, in the
 * proportions of a store's mix: a tenth of events are vouchers issued, a tenth
 * redemptions (half at a partner store of another merchant), a twentieth sales with a
 * redemption; the daily roll-ups are summed from them as the ingest keeps them. The
 * events rows themselves are not seeded: no report reads them.
 */
import { join } from 'node:path'
import { Postgres } from '../postgres.js'
import { PgCloudDb } from '../../sync/ingest/pg/pg-cloud-db.js'
import { runReport, type ReportName, type ReportQuery } from '../../sync/ingest/pg/reports.js'
import { silentLogger } from '../../gateway/log.js'
import { freePort } from './gateway-process.js'
import { percentile, report, round } from './report.js'

const STORES = 1_000
const DAY_MS = 86_400_000

/** One month of derived rows: issues, redemptions (and their sales), stores, roll-ups. */
async function seed(db: PgCloudDb, events: number, from: number): Promise<void> {
  const vouchers = Math.round(events / 10)
  const start = from * DAY_MS
  const spread = 30 * DAY_MS
  // Voucher g is issued at store g % 1000 (merchant m<store % 50>) for one of the store's
  // five campaigns (k = g / 1000 picks it); every other k it is redeemed at the next store
  // (another merchant: settlement), else at home.
  await db.query(`INSERT INTO stores (store, enrolled_at, merchant, name, status, contiguous, last_batch_at)
    SELECT 's' || lpad(g::text, 4, '0'), 0, 'm' || (g % 50), 'Store ' || g, 'online', ${events / STORES}, ${start + spread}
    FROM generate_series(0, ${STORES - 1}) g`)
  await db.query(`INSERT INTO issues (voucher_key, store, seq, campaign, channel, member, time)
    SELECT (g % ${STORES} + 1) || ':' || ((g % ${STORES}) % 200 * 5 + (g / ${STORES}) % 5 + 1) || ':' || g, 's' || lpad((g % ${STORES})::text, 4, '0'), g,
      (g % ${STORES}) % 200 * 5 + (g / ${STORES}) % 5 + 1, (ARRAY['kiosk','portal','message','cli'])[g % 4 + 1], NULL, ${start} + (g::bigint * ${spread}) / ${vouchers}
    FROM generate_series(1, ${vouchers}) g`)
  await db.query(`INSERT INTO redemptions (redemption_id, voucher_key, store, seq, time, max_uses, issuer_store, campaign,
      funder, honourer, amount, currency, issued_at)
    SELECT 'r' || g, i.voucher_key, CASE WHEN (g / ${STORES}) % 2 = 0 THEN 's' || lpad(((g % ${STORES} + 1) % ${STORES})::text, 4, '0') ELSE i.store END,
      g, i.time + 3 * 86400000, 1, i.store, i.campaign, 'm' || (g % ${STORES} % 50),
      'm' || (CASE WHEN (g / ${STORES}) % 2 = 0 THEN (g % ${STORES} + 1) % ${STORES} ELSE g % ${STORES} END % 50),
      1500, 'CNY', i.time
    FROM generate_series(1, ${vouchers}) g JOIN issues i ON i.seq = g`)
  await db.query(`INSERT INTO sale_lines (redemption_id, store, seq, time, amount, currency, pos, reference)
    SELECT redemption_id, store, seq, time, 4800, 'CNY', 'pos-1', 'R-' || seq FROM redemptions WHERE seq % 2 = 0`)
  await db.query(`INSERT INTO events_daily (day, store, n)
    SELECT d, 's' || lpad(g::text, 4, '0'), ${Math.round(events / STORES / 30)}
    FROM generate_series(0, ${STORES - 1}) g, generate_series(${from}, ${from + 29}) d`)
  await db.query(`INSERT INTO issued_daily (day, campaign, store, channel, n)
    SELECT time / ${DAY_MS}, campaign, store, channel, count(*) FROM issues GROUP BY 1, 2, 3, 4`)
  await db.query(`INSERT INTO redeemed_daily (day, campaign, issuer, redeemer, funder, honourer, currency, n, value, days_ms, days_n)
    SELECT time / ${DAY_MS}, campaign, issuer_store, store, funder, honourer, currency, count(*), sum(amount),
      sum(time - issued_at), count(*)
    FROM redemptions GROUP BY 1, 2, 3, 4, 5, 6, 7`)
  await db.query('ANALYZE')
}

export async function benchCloudReport(dir: string): Promise<void> {
  const events = Number(process.env.BENCH_REPORT_EVENTS ?? 20_000_000)
  const server = new Postgres({ dir: join(dir, 'pg'), port: await freePort(), fsync: true })
  await server.start()
  const db = await PgCloudDb.open({ url: server.url }, silentLogger())
  try {
    const from = Math.floor(Date.UTC(2026, 10, 1) / DAY_MS)
    const t0 = performance.now()
    await seed(db, events, from)
    process.stderr.write(
      `cloud.report: seeded a month of ${events} events in ${round((performance.now() - t0) / 1000)} s\n`,
    )
    const month: ReportQuery = { from, to: from + 29 }
    const cases: [string, ReportName, ReportQuery][] = [
      ['attribution_ms', 'attribution', month],
      ['settlement_ms', 'settlement', month],
      ['settlement_statement_ms', 'settlement', { ...month, funder: 'm1', honourer: 'm2' }],
      ['overview_ms', 'overview', month],
      ['campaigns_ms', 'campaigns', month],
    ]
    for (const [metric, name, q] of cases) {
      const times: number[] = []
      let rows = 0
      for (let i = 0; i < 3; i++) {
        const t = performance.now()
        rows = (await runReport(db, name, q)).rows.length
        times.push(performance.now() - t)
      }
      times.sort((a, b) => a - b)
      report({
        bench: 'cloud.report',
        metric,
        value: round(percentile(times, 50), 1),
        unit: 'ms',
        rows,
        stores: STORES,
        events,
      })
    }
  } finally {
    await db.close()
    await server.stop()
  }
}
