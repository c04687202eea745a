/**
 * members.segments (issue #17): RFM scores, the top 20 % and the Pareto curve for 200,000
 * members and 5,000,000 member events over 18 months, from the profiles the writer keeps
 * (member_profiles and member_months, as its incremental upkeep leaves them), side by side
 * with the naive way: the same rows recomputed from `events` and scored by the same code.
 * Goal: ≤ 2 s.
 */
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import Database from 'better-sqlite3'
import { openWriteDatabase } from '../../gateway/store/database.js'
import { SegmentReads, columnsOf, type ProfileColumns } from '../../gateway/store/read/segment-reads.js'
import { computeSegments } from '../../gateway/members/segments.js'
import { windowStart } from '../../gateway/members/member-segments.js'
import { localDayAndMonth } from '../../gateway/store/tx/member-profile.js'
import { percentile, report, round } from './report.js'

const MEMBERS = Number(process.env.TILLSIDE_BENCH_MEMBERS ?? 200_000)
const EVENTS = Number(process.env.TILLSIDE_BENCH_MEMBER_EVENTS ?? 5_000_000)
const DAY = 86_400_000
const DAYS = 540
const RULES = { windowMonths: 12, newDays: 30, lapsingDays: 60, lostDays: 180 }
const RUNS = 10
const NAIVE_RUNS = 2

interface Profile {
  first: number
  last: number
  lastDay: number
  visits: number
  plays: number
  sales: number
  total: number
}

/** Members, then events where a few members do most (a Pareto-like draw), and the profiles the writer would keep. */
function seed(file: string, now: number): void {
  openWriteDatabase(file).db.close()
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = OFF') // seeding only
  const ids = Array.from({ length: MEMBERS }, () => randomBytes(10).toString('hex'))
  const start = now - DAYS * DAY
  db.transaction(() => {
    const insert = db.prepare(
      "INSERT INTO members (id, phone_hash, phone_enc, qr_secret, created_at, created_seq) VALUES (?, ?, 'x', 'x', ?, 0)",
    )
    ids.forEach((id, i) => insert.run(id, `h${i}`, start + Math.floor((i / MEMBERS) * DAYS * DAY)))
  })()
  const profiles = new Map<string, Profile>()
  const months = new Map<string, { visits: number; sales: number; total: number }>()
  const insert = db.prepare('INSERT INTO events (seq, id, type, time, device, payload) VALUES (?, ?, ?, ?, NULL, ?)')
  const BATCH = 100_000
  for (let from = 0; from < EVENTS; from += BATCH) {
    db.transaction(() => {
      for (let i = from; i < Math.min(EVENTS, from + BATCH); i++) {
        const member = ids[Math.floor(MEMBERS * Math.random() ** 3)]! // skewed: the first members come far more
        const time = start + Math.floor((i / EVENTS) * DAYS * DAY)
        const kind = i % 5
        const amount = 500 + ((i * 7919) % 20_000)
        const [type, payload] =
          kind < 2
            ? [
                'pos.sale',
                { pos: 'p', amount, currency: 'CNY', member, payments: [], redemptions: [], reference: null },
              ]
            : kind < 4
              ? [
                  'portal.session_started',
                  { sessionId: `s${i}`, memberId: member, controller: 'none', expiresAt: 0, randomisedMac: false },
                ]
              : [
                  'kiosk.played',
                  {
                    playId: `p${i}`,
                    day: '',
                    draw: 1,
                    prize: 'x',
                    campaign: 1,
                    serial: i,
                    kid: 1,
                    member,
                    weights: [],
                  },
                ]
        insert.run(i + 1, `E${String(i).padStart(25, '0')}`, type, time, JSON.stringify(payload))
        // What touchMember leaves for this event.
        const { day, month } = localDayAndMonth(time)
        const p = profiles.get(member) ?? {
          first: time,
          last: time,
          lastDay: -1,
          visits: 0,
          plays: 0,
          sales: 0,
          total: 0,
        }
        const newDay = day > p.lastDay ? 1 : 0
        const sale = type === 'pos.sale'
        Object.assign(p, {
          last: time,
          lastDay: Math.max(p.lastDay, day),
          visits: p.visits + newDay,
          plays: p.plays + (type === 'kiosk.played' ? 1 : 0),
          sales: p.sales + (sale ? 1 : 0),
          total: p.total + (sale ? amount : 0),
        })
        profiles.set(member, p)
        const key = `${member}:${month}`
        const m = months.get(key) ?? { visits: 0, sales: 0, total: 0 }
        months.set(key, {
          visits: m.visits + newDay,
          sales: m.sales + (sale ? 1 : 0),
          total: m.total + (sale ? amount : 0),
        })
      }
    })()
  }
  db.transaction(() => {
    const p = db.prepare('INSERT INTO member_profiles VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, ?)')
    for (const [member, v] of profiles) p.run(member, v.first, v.last, v.lastDay, v.visits, v.plays, v.sales, v.total)
    const m = db.prepare('INSERT INTO member_months VALUES (?, ?, ?, ?, ?)')
    for (const [key, v] of months) {
      const [member, month] = key.split(':')
      m.run(member, Number(month), v.visits, v.sales, v.total)
    }
  })()
  db.pragma('wal_checkpoint(TRUNCATE)')
  db.close()
}

/** The naive way: every member's window from the journal's events, then the same scoring. */
function naiveRows(db: Database.Database, fromMonth: number): ProfileColumns {
  const offsetMs = new Date().getTimezoneOffset() * 60_000
  const rows = db
    .prepare(
      `SELECT member, min(time) AS firstSeen, max(time) AS lastSeen,
         count(DISTINCT CASE WHEN month >= @from THEN day END) AS frequency,
         coalesce(sum(CASE WHEN month >= @from THEN amount END), 0) AS monetary
       FROM (
         SELECT coalesce(json_extract(payload, '$.member'), json_extract(payload, '$.memberId')) AS member, time,
           (time - @offset) / 86400000 AS day,
           CAST(strftime('%Y%m', time / 1000, 'unixepoch', 'localtime') AS INTEGER) AS month,
           CASE WHEN type = 'pos.sale' THEN json_extract(payload, '$.amount') END AS amount
         FROM events WHERE type IN ('pos.sale', 'portal.session_started', 'kiosk.played')
       ) WHERE member IS NOT NULL GROUP BY member`,
    )
    .all({ from: fromMonth, offset: offsetMs }) as Parameters<typeof columnsOf>[0]
  return columnsOf(rows)
}

export async function benchMembersSegments(dir: string): Promise<void> {
  const file = join(dir, 'members.db')
  const now = Date.now()
  const seeded = performance.now()
  seed(file, now)
  process.stderr.write(
    `members.segments: seeded ${MEMBERS} members, ${EVENTS} events in ${Math.round(performance.now() - seeded)} ms\n`,
  )
  const db = new Database(file, { readonly: true })
  const reads = new SegmentReads({ query: (sql) => db.prepare(sql) })
  const fromMonth = windowStart(now, RULES.windowMonths)
  const timed = (rows: () => ProfileColumns) => {
    const t0 = performance.now()
    const read = rows()
    const t1 = performance.now()
    const r = computeSegments(read, RULES, now)
    const t2 = performance.now()
    process.stderr.write(`members.segments: read ${Math.round(t1 - t0)} ms, scored ${Math.round(t2 - t1)} ms\n`)
    return { ms: t2 - t0, report: r }
  }
  const fast = Array.from({ length: RUNS }, () => timed(() => reads.columns(fromMonth)))
  const naive = Array.from({ length: NAIVE_RUNS }, () => timed(() => naiveRows(db, fromMonth)))
  // Both ways must agree, or the comparison means nothing.
  const [a, b] = [fast[0]!.report, naive[0]!.report]
  if (a.members !== b.members || a.sales !== b.sales || a.top.members !== b.top.members)
    throw new Error(
      `members.segments: the two ways disagree (${a.members}/${b.members} members, ${a.sales}/${b.sales} sales)`,
    )
  db.close()
  const ms = fast.map((r) => r.ms).sort((x, y) => x - y)
  const naiveMs = naive.map((r) => r.ms).sort((x, y) => x - y)
  const p99 = percentile(ms, 99)
  report({
    bench: 'members.segments',
    metric: 'p99',
    value: round(p99),
    unit: 'ms',
    baseline: 'recomputed from events',
    baseline_value: round(naiveMs[0]!),
    ratio: round(naiveMs[0]! / p99, 1),
    members: MEMBERS,
    events: EVENTS,
    top_share: round(a.top.share, 3),
  })
  report({ bench: 'members.segments', metric: 'p50', value: round(percentile(ms, 50)), unit: 'ms' })
}
