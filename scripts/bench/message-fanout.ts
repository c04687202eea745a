/**
 * message.fanout (issue #18): a message with a personal voucher to 100,000 followers, sent
 * from the back office of the built gateway running as its own process — recipients
 * selected, consent and the weekly cap checked, a voucher issued to each, inbox rows
 * durable, step by step. Goal ≥ 5,000 recipients/s. Meanwhile the till keeps scanning
 * (a pty scanner, results on the cashier screen's SSE stream), and its decision time is
 * set side by side with the same till idle, measured in the same run just before: the
 * fan-out must yield to the till.
 *
 * The followers are written straight into the database before the gateway starts (as a
 * store with a year of Wi-Fi guests has them), not enrolled one by one.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import Database from 'better-sqlite3'
import { hashPassword } from '../../gateway/auth/secrets.js'
import { stopGateway } from './gateway-process.js'
import { backOffice, writeFollowers } from './followers.js'
import { percentile, report, round } from './report.js'
import { openTillStream } from './till-stream.js'
import { BENCH_TOKEN, startTillGateway } from './till-gateway.js'

const FOLLOWERS = Number(process.env.TILLSIDE_BENCH_FOLLOWERS ?? 100_000)
const IDLE_SCANS = 300
const VOUCHERS = 1_500
const BACK_TO_BACK = 600

export async function benchMessageFanout(dir: string): Promise<void> {
  const dataDir = join(dir, 'data')
  mkdirSync(dataDir, { recursive: true })
  await writeFollowers(join(dataDir, 'tillside.db'), FOLLOWERS)
  const password = 'bench password 1'
  const { gateway, base, hostPath, stopPty } = await startTillGateway(dir, {
    messages: {
      quietHours: null,
      maxPerWeek: 5,
      ...(process.env.TILLSIDE_BENCH_BATCH ? { batchSize: Number(process.env.TILLSIDE_BENCH_BATCH) } : {}),
    },
    admin: {
      users: [{ id: 'mgr', name: 'Bench manager', role: 'manager', passwordHash: await hashPassword(password) }],
    },
  })
  const db = new Database(join(dataDir, 'tillside.db'), { readonly: true })
  try {
    const codes: string[] = []
    for (let i = 0; i < VOUCHERS; i++) {
      const res = await fetch(`${base}/api/pos/vouchers/issue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_TOKEN}` },
        body: JSON.stringify({ campaign: 1 }),
      })
      codes.push(((await res.json()) as { code: string }).code)
    }
    const login = await fetch(`${base}/api/till/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pin: '1234' }),
    })
    const results = await openTillStream(base, login.headers.get('set-cookie')!.split(';')[0]!)
    await sleep(500) // the scanner opens its pty at start
    const fd = openSync(hostPath, 'r+')
    let next = 0
    const scan = async () => {
      const shown = results.next()
      writeSync(fd, `${codes[next++]!}\r`)
      const t0 = performance.now()
      if (!(await shown).ok) throw new Error(`bench voucher ${next} was not accepted`)
      return performance.now() - t0
    }
    const idle: number[] = []
    for (let i = 0; i < IDLE_SCANS + 20; i++) {
      const ms = await scan()
      if (i >= 20) idle.push(ms)
    }
    const admin = await backOffice(base, 'mgr', password)
    let sentCount = 0
    /** Sends a message to every follower; `whileSending` runs until the fan-out is over. */
    const fanOut = async (whileSending: (sent: () => boolean) => Promise<void>) => {
      await admin.send({
        title_en: `Tea week ${++sentCount}`,
        body_en: 'Taste our new oolong.',
        audience: 'followers',
        campaign: '1',
      })
      let row: { delivered: number; created_at: number; finished_at: number } | undefined
      const look = () =>
        (row ??= db
          .prepare("SELECT delivered, created_at, finished_at FROM messages WHERE state = 'sent' AND title LIKE ?")
          .get(`%Tea week ${sentCount}"%`) as typeof row)
      await whileSending(() => look() !== undefined)
      while (!look()) await sleep(50)
      if (row!.delivered !== FOLLOWERS) throw new Error(`fan-out reached ${row!.delivered}, not ${FOLLOWERS}`)
      return {
        rate: Math.round(row!.delivered / ((row!.finished_at - row!.created_at) / 1000)),
        seconds: (row!.finished_at - row!.created_at) / 1000,
      }
    }
    // The fan-out alone.
    const alone = await fanOut(async () => {})
    // Scans back to back during a fan-out: it gives way (a till this busy pauses it).
    const backToBack: number[] = []
    const yielded = await fanOut(async (sent) => {
      while (!sent() && backToBack.length < BACK_TO_BACK) backToBack.push(await scan())
    })
    // A till scanning every 20–60 ms: each scan may meet one fan-out step in its way.
    const paced: number[] = []
    await fanOut(async (sent) => {
      while (!sent() && next < codes.length) {
        paced.push(await scan())
        await sleep(20 + Math.random() * 40)
      }
    })
    closeSync(fd)
    await results.close()
    const vouchers = db.prepare("SELECT count(*) FROM vouchers_issued WHERE channel = 'message'").pluck().get()
    if (vouchers !== 3 * FOLLOWERS) throw new Error(`${String(vouchers)} vouchers issued, not ${3 * FOLLOWERS}`)
    report({
      bench: 'message.fanout',
      metric: 'recipients_per_s',
      value: alone.rate,
      unit: 'recipients/s',
      recipients: FOLLOWERS,
      seconds: round(alone.seconds, 2),
      while_till_scans_back_to_back: yielded.rate,
      note: 'consent and cap checked, a personal voucher issued, inbox row durable, per recipient',
    })
    for (const xs of [idle, backToBack, paced]) xs.sort((a, b) => a - b)
    const row = (metric: string, xs: number[], p: number, note: string) =>
      report({
        bench: 'message.fanout',
        metric,
        value: round(percentile(xs, p), 3),
        unit: 'ms',
        baseline: 'the same till idle, just before (till.decision as measured in this run)',
        baseline_value: round(percentile(idle, p), 3),
        ratio: round(percentile(xs, p) / percentile(idle, p), 2),
        samples: xs.length,
        note,
      })
    for (const p of [50, 99] as const) {
      row(`till_decision_back_to_back_p${p}`, backToBack, p, 'scans back to back during a fan-out')
      row(`till_decision_paced_p${p}`, paced, p, 'a scan every 20–60 ms during a fan-out: each may meet one step')
    }
  } finally {
    db.close()
    await stopGateway(gateway)
    stopPty()
  }
}
