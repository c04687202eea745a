/**
 * sync.drain: a journal of 1,000,000 events drained by the built gateway (`tillside
 * start`) to a local Mosquitto and acknowledged by the reference ingest (`tillside
 * cloud`, its own process): events/s and the gateway's peak RSS. Side by side, the naive
 * way — mqtt.js publishing each event at QoS 1 from its own in-memory queue (50,000 at
 * a time: more and mqtt.js stalls for good) — its rate
 * and peak RSS, and how many events it loses when killed half-way (handed over, never
 * delivered: gone with its RAM).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { connect } from 'mqtt'
import { Journal } from '../../gateway/store/journal.js'
import { silentLogger } from '../../gateway/log.js'
import { Mosquitto } from '../mosquitto.js'
import { DB_FILE } from '../../gateway/runtime/gateway.js'
import { CLI, NODE_FLAGS, freePort, spawnGateway, stopGateway } from './gateway-process.js'
import { report, round } from './report.js'

const EVENTS = 1_000_000
const NAIVE = fileURLToPath(new URL('./naive-publisher.js', import.meta.url))

async function journalOf(dir: string, n: number): Promise<void> {
  const journal = new Journal(join(dir, DB_FILE), silentLogger())
  await journal.start()
  const payload = { data: '6901234567892', symbology: 'ean13', aimId: ']E0', role: 'till' as const }
  for (let i = 0; i < n; i += 10_000)
    await Promise.all(
      Array.from({ length: 10_000 }, () => journal.append({ type: 'scan', device: 'till-scanner', payload })),
    )
  await journal.stop()
}

const peakRssMb = (pid: number) =>
  Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024

/** Drains `storeDir`'s journal through the built gateway; with `killHalfWay`, SIGKILLs it at half and starts it again. */
async function ours(
  dir: string,
  brokerUrl: string,
  store: string,
  killHalfWay: boolean,
): Promise<{ rate: number; rss: number; lost: number }> {
  const cloudDb = join(dir, `cloud-${store}.db`)
  const cloud = spawn(
    process.execPath,
    [CLI, 'cloud', '--broker', brokerUrl, '--db', cloudDb, '--id', `ingest-${store}`],
    { stdio: 'ignore' },
  )
  await new Promise((r) => setTimeout(r, 500))
  const port = await freePort()
  const config = join(dir, `${store}.yaml`)
  writeFileSync(
    config,
    `store: { id: ${store}, name: Bench }\ndataDir: ${join(dir, store)}\nhttp: { port: ${port} }\nlog: { level: warn }\nsync: { broker: '${brokerUrl}' }\n`,
  )
  const t0 = performance.now()
  let gateway = await spawnGateway(config, port)
  let rss = 0
  let killed = !killHalfWay
  let acked = 0
  // A bounded wait, not "until every ack": what counts as lost is what the cloud's
  // database does not hold when the time is up (a drain that stalls shows as loss).
  for (;;) {
    const status = (await (await fetch(`http://127.0.0.1:${port}/api/status`)).json()) as { sync: { acked?: number } }
    rss = Math.max(rss, peakRssMb(gateway.pid!))
    acked = status.sync.acked ?? 0
    if (acked === EVENTS) break
    if (performance.now() - t0 > 600_000) {
      process.stderr.write(`sync.drain: ${store} stalled at ${acked} of ${EVENTS} after 600 s\n`)
      break
    }
    if (!killed && (status.sync.acked ?? 0) >= EVENTS / 2) {
      killed = true
      const exited = new Promise((r) => gateway.once('exit', r))
      gateway.kill('SIGKILL')
      await exited
      gateway = await spawnGateway(config, port)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  const seconds = (performance.now() - t0) / 1000
  await stopGateway(gateway)
  cloud.kill('SIGTERM')
  await new Promise((r) => cloud.once('exit', r))
  const db = new Database(cloudDb, { readonly: true })
  const held = db.prepare('SELECT count(*) FROM events WHERE store = ?').pluck().get(store) as number
  db.close()
  return { rate: acked / seconds, rss, lost: EVENTS - held }
}

/** The naive publisher; `handed` is how many events it had taken over (and so counted as sent). */
function runNaive(
  db: string,
  brokerUrl: string,
  topic: string,
  killAt?: number,
): { child: ChildProcess; result: Promise<{ ms: number; peakRssMb: number } | null>; handed: () => number } {
  const child = spawn(process.execPath, [...NODE_FLAGS, NAIVE, db, brokerUrl, topic], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  let handed = 0
  const result = new Promise<{ ms: number; peakRssMb: number } | null>((resolve) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const lines = out.split('\n')
      out = lines.pop()!
      for (const line of lines) {
        const h = /^handed (\d+)/.exec(line)
        if (h) handed = Number(h[1])
        if (line.startsWith('{')) resolve(JSON.parse(line) as { ms: number; peakRssMb: number })
        const m = /^acked (\d+)/.exec(line)
        if (m && killAt !== undefined && Number(m[1]) >= killAt && child.exitCode === null) child.kill('SIGKILL')
      }
    })
    child.once('exit', () => resolve(null))
  })
  return { child, result, handed: () => handed }
}

export async function benchSyncDrain(dir: string): Promise<void> {
  const broker = new Mosquitto({ dir: join(dir, 'broker'), port: await freePort() })
  await broker.start()
  try {
    await journalOf(join(dir, 'bench'), EVENTS)
    mkdirSync(join(dir, 'bench-killed'))
    copyFileSync(join(dir, 'bench', DB_FILE), join(dir, 'bench-killed', DB_FILE))
    const mine = await ours(dir, broker.url, 'bench', false)
    const mineKilled = await ours(dir, broker.url, 'bench-killed', true)
    // Naive, run to completion: rate to PUBACK (the broker has it; nobody confirmed storing it).
    const naive = await runNaive(join(dir, 'bench', DB_FILE), broker.url, 'naive/all').result
    // Naive, killed half-way: count what reached the broker against what it had handed over.
    const watcher = connect(broker.url, { protocolVersion: 5 })
    let delivered = 0
    await new Promise<void>((resolve) =>
      watcher.once('connect', () => watcher.subscribe('naive/killed', { qos: 1 }, () => resolve())),
    )
    watcher.on('message', () => delivered++)
    const killed = runNaive(join(dir, 'bench', DB_FILE), broker.url, 'naive/killed', EVENTS / 2 + 25_000) // mid-chunk
    await killed.result
    await new Promise((r) => setTimeout(r, 1000))
    watcher.end(true)
    report({
      bench: 'sync.drain',
      metric: 'events_per_second',
      value: Math.round(mine.rate),
      unit: 'events/s',
      baseline: 'naive: mqtt.js QoS 1 per event from its in-memory queue, 50k at a time (to PUBACK only)',
      baseline_value: naive ? Math.round(EVENTS / (naive.ms / 1000)) : NaN,
      ratio: naive ? round(mine.rate / (EVENTS / (naive.ms / 1000)), 2) : NaN,
      events: EVENTS,
    })
    report({
      bench: 'sync.drain',
      metric: 'gateway_peak_rss',
      value: round(mine.rss, 1),
      unit: 'MB',
      baseline: 'naive publisher peak RSS',
      baseline_value: naive ? round(naive.peakRssMb, 1) : NaN,
      ratio: naive ? round(mine.rss / naive.peakRssMb, 2) : NaN,
    })
    report({
      bench: 'sync.drain',
      metric: 'lost_when_killed_mid_drain',
      value: mineKilled.lost,
      unit: 'events',
      baseline: 'naive: handed to mqtt.js, never delivered',
      baseline_value: killed.handed() - delivered,
      drain_with_kill_events_per_second: Math.round(mineKilled.rate),
    })
  } finally {
    await broker.kill()
  }
}
