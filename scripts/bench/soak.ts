/**
 * soak.rss: the built gateway, with the README's node flags and the log at `info`, under
 * the store's mix (soak-mix.ts) for TILLSIDE_SOAK_MINUTES (default 40). Its RSS, anonymous
 * memory, V8 heap (in use and committed) and Buffers are sampled every 5 s, glibc's main
 * heap every minute; the slopes are fitted (least squares)
 * over the second half, after warm-up, in MB/hour. Also the peak RSS, the log's growth in
 * MB/hour over the second half, and how every request was answered. Goals (issue #22):
 * slope ≤ 1 MB/hour, peak ≤ 150 MB, log ≤ 1 MB/hour.
 *
 * Warm-up is what fills the SQLite page caches, lets the journal writer's V8 heap reach its
 * first full collection (about 15 minutes at this mix) and the main heap its working size
 * (about 25): so 40 minutes, fitted over the last 20. The first integrity check, a worker
 * of its own, runs 2 minutes in (the default is 10) so it is part of the warm-up.
 * TILLSIDE_SOAK_ONLY=scans,pos,… runs part of the mix (to bisect a leak);
 * TILLSIDE_SOAK_NODE_FLAGS adds node flags (e.g. --heapsnapshot-signal=SIGUSR2).
 */
import { spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { stringify } from 'yaml'
import { hashPin, hashToken } from '../../gateway/auth/secrets.js'
import { CLI, GATEWAY_ENV, NODE_FLAGS, freePort } from './gateway-process.js'
import { report, round } from './report.js'
import { KIOSK_TOKEN, POS_TOKEN, SoakMix } from './soak-mix.js'

const CAMPAIGNS = fileURLToPath(new URL('../../../config/campaigns.example.yaml', import.meta.url))
const SAMPLE_MS = 5000
const MB = 1024 * 1024

interface Sample {
  t: number
  rss: number
  anon: number
  heap: number
  /** V8's committed heap: in use plus what it keeps reserved (grows with fragmentation). */
  committed: number
  external: number
  /** glibc's main heap (the [heap] mapping's resident pages), read once a minute; NaN between. */
  brk: number
  log: number
}

export async function benchSoak(dir: string): Promise<void> {
  const minutes = Number(process.env.TILLSIDE_SOAK_MINUTES ?? 40)
  if (!(minutes >= 1)) throw new Error('TILLSIDE_SOAK_MINUTES must be a number of minutes ≥ 1')
  const [port, portalPort] = [await freePort(), await freePort()]
  const configFile = join(dir, 'soak.yaml')
  writeFileSync(configFile, stringify(await soakConfig(dir, port, portalPort)))
  const logFile = join(dir, 'gateway.log')
  const out = openSync(logFile, 'a')
  const extra = process.env.TILLSIDE_SOAK_NODE_FLAGS?.split(' ').filter(Boolean) ?? []
  const gateway = spawn(process.execPath, [...NODE_FLAGS, ...extra, CLI, 'start', '--config', configFile], {
    stdio: ['ignore', out, out],
    env: GATEWAY_ENV,
  })
  closeSync(out)
  const exited = new Promise((r) => gateway.once('exit', r))
  const base = `http://127.0.0.1:${port}`
  try {
    for (
      let t0 = Date.now();
      !(await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      ));
    ) {
      if (gateway.exitCode !== null || Date.now() - t0 > 30_000)
        throw new Error(`gateway did not start; see ${logFile}`)
      await sleep(20)
    }
    const only = process.env.TILLSIDE_SOAK_ONLY?.split(',')
    const mix = new SoakMix(port, portalPort, only ? new Set(only) : null)
    await mix.start()
    process.stderr.write(`soak: ${minutes} min of the store mix against pid ${gateway.pid}; log ${logFile}\n`)
    const samples: Sample[] = []
    const end = Date.now() + minutes * 60_000
    while (Date.now() < end) {
      await sleep(SAMPLE_MS)
      const status = (await fetch(`${base}/api/status`).then((r) => r.json())) as {
        memory: { heapUsedBytes: number; heapCommittedBytes: number; externalBytes: number }
      }
      const proc = readFileSync(`/proc/${gateway.pid}/status`, 'utf8')
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(proc)?.[1] ?? NaN) * 1024
      samples.push({
        t: Date.now(),
        rss: kb('VmRSS'),
        anon: kb('RssAnon'),
        heap: status.memory.heapUsedBytes,
        committed: status.memory.heapCommittedBytes,
        external: status.memory.externalBytes,
        brk: samples.length % 12 === 0 ? brkHeap(gateway.pid!) : NaN,
        log: statSync(logFile).size,
      })
      const s = samples.at(-1)!
      if (samples.length % 12 === 0)
        process.stderr.write(
          `soak: ${round((s.t - samples[0]!.t) / 60_000, 1)} min rss ${round(s.rss / MB, 1)} MB heap ${round(s.heap / MB, 1)} MB external ${round(s.external / MB, 1)} MB, ${mix.counts.requests} requests, ${mix.counts.errors} errors\n`,
        )
    }
    await mix.stop()
    const backlog = await drained(base)
    const half = samples.slice(Math.floor(samples.length / 2))
    const hours = (half.at(-1)!.t - half[0]!.t) / 3_600_000
    const common = { minutes, samples: samples.length, fittedOver: 'second half' }
    report({
      bench: 'soak.rss',
      metric: 'rss_slope',
      value: round(slope(half, 'rss') / MB, 2),
      unit: 'MB/hour',
      ...common,
    })
    report({
      bench: 'soak.rss',
      metric: 'anon_slope',
      value: round(slope(half, 'anon') / MB, 2),
      unit: 'MB/hour',
      ...common,
    })
    report({
      bench: 'soak.rss',
      metric: 'heap_used_slope',
      value: round(slope(half, 'heap') / MB, 2),
      unit: 'MB/hour',
      ...common,
    })
    // Beside the RSS: is what grows V8's committed heap (GC and fragmentation) or native memory?
    report({
      bench: 'soak.rss',
      metric: 'heap_committed_slope',
      value: round(slope(half, 'committed') / MB, 2),
      unit: 'MB/hour',
      ...common,
    })
    // And beside those: Buffers outside V8, and glibc's main heap (native allocations: SQLite's
    // page caches, the addons) — which of them grows when the RSS does (issue #22).
    report({
      bench: 'soak.rss',
      metric: 'external_slope',
      value: round(slope(half, 'external') / MB, 2),
      unit: 'MB/hour',
      ...common,
    })
    report({
      bench: 'soak.rss',
      metric: 'brk_heap_slope',
      value: round(
        slope(
          half.filter((s) => !Number.isNaN(s.brk)),
          'brk',
        ) / MB,
        2,
      ),
      unit: 'MB/hour',
      ...common,
      note: "glibc's [heap] mapping, sampled once a minute",
    })
    report({
      bench: 'soak.rss',
      metric: 'peak_rss',
      value: round(Math.max(...samples.map((s) => s.rss)) / MB, 1),
      unit: 'MB',
      flags: [...NODE_FLAGS, ...extra].join(' '),
      env: 'MALLOC_ARENA_MAX=2',
    })
    report({
      bench: 'soak.rss',
      metric: 'log_growth',
      value: round((half.at(-1)!.log - half[0]!.log) / MB / hours, 3),
      unit: 'MB/hour',
      level: 'info',
    })
    report({
      bench: 'soak.rss',
      metric: 'requests',
      value: mix.counts.requests,
      unit: 'requests',
      errors: mix.counts.errors,
      byStatus: mix.counts.byStatus,
      lastError: mix.counts.lastError,
      syncBacklogAfter: backlog,
    })
  } finally {
    gateway.kill('SIGTERM')
    await exited
  }
}

/** Least-squares slope of one field against time, per hour. */
export function slope(samples: Sample[], field: 'rss' | 'anon' | 'heap' | 'committed' | 'external' | 'brk'): number {
  const xs = samples.map((s) => s.t / 3_600_000)
  const ys = samples.map((s) => s[field])
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length
  const my = ys.reduce((a, b) => a + b, 0) / ys.length
  let num = 0
  let den = 0
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my)
    den += (xs[i]! - mx) ** 2
  }
  return den === 0 ? 0 : num / den
}

/** The resident bytes of a process's [heap] mapping (glibc's main arena), from /proc/pid/smaps. */
function brkHeap(pid: number): number {
  const smaps = readFileSync(`/proc/${pid}/smaps`, 'utf8')
  const at = smaps.search(/ \[heap\]\n/)
  if (at < 0) return 0
  const rss = /^Rss:\s+(\d+) kB/m.exec(smaps.slice(at))
  return rss ? Number(rss[1]) * 1024 : 0
}

/** The sync backlog once the mix stops (waits up to 30 s for it to reach 0). */
async function drained(base: string): Promise<number> {
  let backlog = NaN
  for (let t0 = Date.now(); Date.now() - t0 < 30_000; await sleep(250)) {
    backlog =
      ((await fetch(`${base}/api/status`).then((r) => r.json())) as { sync: { backlog?: number } }).sync.backlog ?? NaN
    if (backlog === 0) break
  }
  return backlog
}

async function soakConfig(dir: string, port: number, portalPort: number): Promise<object> {
  return {
    store: { id: 'soak', name: 'Soak store', merchant: 'demo-merchant' },
    dataDir: join(dir, 'data'),
    database: { integrityCheckAfterMinutes: 2 },
    dev: true,
    http: { port },
    devices: [
      { id: 'till-scanner', kind: 'scanner', role: 'till', transport: { type: 'simulator' } },
      { id: 'kiosk-scanner', kind: 'scanner', role: 'kiosk', transport: { type: 'simulator' } },
    ],
    printers: [{ id: 'kiosk-printer', role: 'kiosk', transport: { type: 'simulator' }, paperWidth: 80 }],
    vouchers: { campaignsFile: CAMPAIGNS },
    payments: { provider: 'sandbox' },
    till: {
      cashiers: [{ id: 'soak', name: 'Soak cashier', pinHash: await hashPin('1234') }],
      posTokens: [{ name: 'soak-pos', tokenHash: hashToken(POS_TOKEN) }],
    },
    kiosk: {
      game: {
        playsPerMemberPerDay: 3,
        prizes: [{ id: 'coffee', campaign: 2, stock: 100_000 }],
        consolation: { campaign: 4, weight: 30 },
      },
      limits: { playsPerMinute: 20, playsPerHour: 1000 },
      credentials: [{ name: 'soak-kiosk', device: 'kiosk-scanner', tokenHash: hashToken(KIOSK_TOKEN) }],
    },
    portal: { enabled: true, http: { port: portalPort, maxConnectionsPerAddress: 64 }, controller: { type: 'none' } },
    sync: { broker: 'embedded', embedded: { port: 0 } },
    log: { level: 'info' },
  }
}
