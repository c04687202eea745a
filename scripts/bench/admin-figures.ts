/**
 * admin.figures (issue #16): the back office's charts on a year of a busy store. A journal
 * is seeded with 5,000,000 events over 365 days (scans, redemptions with values and
 * partner stores, Wi-Fi joins, new members, plays, issues, sales), its hourly rollups
 * built by the writer's catch-up (as an upgraded store's are), then today's per-hour
 * figures and the 90-day per-day trends are read from the rollups 200 times each, side
 * by side with the naive way: the same figures by scanning `events` (a few runs; it is
 * slow), and so are the campaigns page's all-time figures per campaign. Goals: p99 ≤ 50 ms.
 */
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { Journal } from '../../gateway/store/journal.js'
import { RollupReads } from '../../gateway/store/read/rollup-reads.js'
import { HOUR_MS } from '../../gateway/store/rollups.js'
import { lastDays, today } from '../../gateway/admin/trends.js'
import { AllTimeTotals } from '../../gateway/admin/all-time.js'
import { silentLogger } from '../../gateway/log.js'
import { percentile, report, round } from './report.js'

const EVENTS = Number(process.env.TILLSIDE_BENCH_ADMIN_EVENTS ?? 5_000_000)
const DAYS = 365
const RUNS = 200
const NAIVE_RUNS = 3

/** A realistic mix: mostly scans, then redemptions, joins, sales… */
function seed(file: string, now: number): void {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = OFF') // seeding only; the journal's own pragmas return on reopen
  const insert = db.prepare('INSERT INTO events (seq, id, type, time, device, payload) VALUES (?, ?, ?, ?, ?, ?)')
  const start = now - DAYS * 24 * HOUR_MS
  const kinds: [number, string, (i: number) => object][] = [
    [50, 'scan', (i) => ({ data: `4006381${i}`, symbology: 'ean13', aimId: null, role: 'till' })],
    [
      12,
      'voucher.redeemed',
      (i) => ({
        voucherKey: `1:${12 + (i % 4)}:${i}`,
        kid: 1,
        campaign: 12 + (i % 4),
        serial: i,
        use: 1,
        maxUses: 1,
        store: 'shop-a',
        cashier: 'ann',
        issuerStore: ['shop-a', 'shop-b', 'shop-c'][i % 3],
        value: { amount: 2000, currency: 'CNY' },
      }),
    ],
    [
      10,
      'voucher.issued',
      (i) => ({
        kid: 1,
        campaign: 12 + (i % 4),
        serial: i,
        member: null,
        expiresHour: 1,
        channel: 'kiosk',
        store: 'shop-a',
      }),
    ],
    [
      8,
      'kiosk.played',
      (i) => ({
        playId: `p${i}`,
        day: '2026-01-01',
        draw: i,
        prize: 'big',
        campaign: 12,
        serial: i,
        kid: 1,
        member: null,
        weights: [],
      }),
    ],
    [
      8,
      'portal.session_started',
      (i) => ({ sessionId: `s${i}`, memberId: `m${i}`, controller: 'nft', expiresAt: 0, randomisedMac: false }),
    ],
    [4, 'member.created', (i) => ({ memberId: `m${i}`, channel: 'portal' })],
    [
      8,
      'pos.sale',
      (i) => ({
        pos: 'pos-1',
        amount: 1000 + (i % 9000),
        currency: 'CNY',
        member: null,
        payments: [],
        redemptions: [],
        reference: null,
      }),
    ],
  ]
  const wheel = kinds.flatMap(([weight, type, make]) =>
    Array<[string, (i: number) => object]>(weight).fill([type, make]),
  )
  const BATCH = 100_000
  for (let from = 0; from < EVENTS; from += BATCH) {
    db.transaction(() => {
      for (let i = from; i < Math.min(EVENTS, from + BATCH); i++) {
        const [type, make] = wheel[i % wheel.length]!
        const time = start + Math.floor((i / EVENTS) * DAYS * 24 * HOUR_MS)
        insert.run(i + 1, `e${i}`, type, time, null, JSON.stringify(make(i)))
      }
    })()
  }
  db.prepare('UPDATE journal_meta SET last_seq = ?').run(EVENTS)
  db.close()
}

function timed(fn: () => unknown, runs: number): number[] {
  const ms: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    fn()
    ms.push(performance.now() - t)
  }
  return ms.sort((a, b) => a - b)
}

export async function benchAdminFigures(dir: string): Promise<void> {
  const file = join(dir, 'year.db')
  const now = Date.now()
  const create = new Journal(file, silentLogger())
  await create.start() // migrations
  await create.stop()
  let t = performance.now()
  seed(file, now)
  process.stderr.write(`admin.figures: seeded ${EVENTS} events in ${round((performance.now() - t) / 1000, 1)} s\n`)
  t = performance.now()
  const journal = new Journal(file, silentLogger())
  await journal.start() // the writer builds the rollups before it is ready
  const buildSeconds = (performance.now() - t) / 1000
  try {
    const reads = new RollupReads(journal)
    const todayMs = timed(() => today(reads, now), RUNS)
    const trendsMs = timed(() => lastDays(reads, 90, now), RUNS)
    // The campaigns page: every campaign's all-time issued and used (the days before today summed once a day).
    const allTime = new AllTimeTotals(reads)
    const first = performance.now()
    allTime.get(now) // the day's first read sums the year
    const allTimeFirstMs = performance.now() - first
    const allTimeMs = timed(() => allTime.get(now), RUNS)
    // The naive way: the same hourly figures straight from `events` (no index on time).
    const naive = journal.reader.prepare(
      `SELECT time / ${HOUR_MS} AS hour, type, count(*) AS n, sum(coalesce(json_extract(payload, '$.value.amount'), json_extract(payload, '$.amount'), 0)) AS amount
       FROM events WHERE time >= ? GROUP BY 1, 2`,
    )
    const naiveToday = timed(() => naive.all(now - 24 * HOUR_MS), NAIVE_RUNS)
    const naiveTrends = timed(() => naive.all(now - 90 * 24 * HOUR_MS), NAIVE_RUNS)
    const naiveAllTime = timed(() => naive.all(0), NAIVE_RUNS)
    const common = { events: EVENTS, days: DAYS, runs: RUNS, baseline_runs: NAIVE_RUNS }
    const pairs: [string, number[], number[], string][] = [
      ['today_p99', todayMs, naiveToday, 'the same hours'],
      ['trends_90d_p99', trendsMs, naiveTrends, 'the same 90 days'],
      ['campaigns_all_time_p99', allTimeMs, naiveAllTime, 'the whole year'],
    ]
    for (const [metric, ms, naiveMs, what] of pairs)
      report({
        bench: 'admin.figures',
        metric,
        value: round(percentile(ms, 99), 2),
        unit: 'ms',
        baseline: `scanning events for ${what}`,
        baseline_value: round(percentile(naiveMs, 99), 1),
        ratio: round(percentile(naiveMs, 99) / percentile(ms, 99), 0),
        ...common,
      })
    const firstRead = round(allTimeFirstMs, 1)
    report({ bench: 'admin.figures', metric: 'campaigns_all_time_first_read', value: firstRead, unit: 'ms', ...common })
    report({ bench: 'admin.figures', metric: 'rollup_build', value: round(buildSeconds, 1), unit: 's', ...common })
  } finally {
    await journal.stop()
  }
}
