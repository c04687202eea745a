/**
 * gateway.start: `tillside start` process spawned → /healthz answers 200; idle RSS after.
 * On an empty database, and on a year of a busy store (5,000,000 events, about 1.5 GB):
 * start-up must not grow with the journal (issue #13), so a store is back in a second
 * after a power cut.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Journal } from '../../gateway/store/journal.js'
import { silentLogger } from '../../gateway/log.js'
import { DB_FILE } from '../../gateway/runtime/gateway.js'
import { freePort, spawnGateway, stopGateway } from './gateway-process.js'
import { percentile, report, round } from './report.js'

const RUNS = 5
const BIG = 5_000_000

/** A year of scans, sales and vouchers, as far as the size of the journal goes. */
async function bigJournal(dataDir: string): Promise<void> {
  const journal = new Journal(join(dataDir, DB_FILE), silentLogger())
  await journal.start()
  const scan = { deviceId: 'till-scanner', data: '6901234567892', symbology: 'E', channel: 'serial' }
  const sale = {
    idempotencyKey: 'k',
    amount: 3500,
    currency: 'CNY',
    payments: [{ method: 'cash', amount: 3500 }],
    reference: 'R-000001',
  }
  for (let i = 0; i < BIG; i += 20_000) {
    await Promise.all(
      Array.from({ length: 20_000 }, (_, k) =>
        journal.append<string, object>(
          k % 10 === 0
            ? { type: 'pos.sale', device: 'pos:pos-1', payload: sale }
            : { type: 'scan', device: 'till-scanner', payload: scan },
        ),
      ),
    )
  }
  await journal.stop()
}

async function starts(
  dir: string,
  name: string,
  dataDir: (run: number) => string,
): Promise<{ times: number[]; rssMb: number }> {
  const times: number[] = []
  let rssMb = 0
  for (let run = 0; run < RUNS; run++) {
    const port = await freePort()
    const config = join(dir, `${name}-${run}.yaml`)
    writeFileSync(
      config,
      `store: { id: bench, name: Bench }\ndataDir: ${dataDir(run)}\nhttp: { port: ${port} }\nlog: { level: warn }\n` +
        'devices:\n  - { id: till-scanner, kind: scanner, role: till, transport: { type: simulator } }\n',
    )
    const t0 = performance.now()
    const child = await spawnGateway(config, port, 300_000)
    times.push(performance.now() - t0)
    if (run === RUNS - 1) {
      await sleep(3000) // idle: after start-up garbage is collected
      rssMb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024
    }
    await stopGateway(child)
  }
  return { times: times.sort((a, b) => a - b), rssMb }
}

export async function benchGatewayStart(dir: string): Promise<void> {
  const empty = await starts(dir, 'empty', (run) => join(dir, `start-${run}`))
  report({
    bench: 'gateway.start',
    metric: 'spawn_to_healthz_median',
    value: round(percentile(empty.times, 50), 1),
    unit: 'ms',
    runs: RUNS,
    max: round(empty.times.at(-1)!, 1),
    events: 0,
  })
  report({ bench: 'gateway.start', metric: 'idle_rss', value: round(empty.rssMb, 1), unit: 'MB', events: 0 })
  await bigJournal(join(dir, 'big'))
  const big = await starts(dir, 'big', () => join(dir, 'big'))
  report({
    bench: 'gateway.start',
    metric: 'spawn_to_healthz_median_5m_events',
    value: round(percentile(big.times, 50), 1),
    unit: 'ms',
    runs: RUNS,
    max: round(big.times.at(-1)!, 1),
    events: BIG,
    baseline: 'the same start on an empty database',
    baseline_value: round(percentile(empty.times, 50), 1),
    ratio: round(percentile(big.times, 50) / percentile(empty.times, 50), 2),
  })
  report({ bench: 'gateway.start', metric: 'idle_rss_5m_events', value: round(big.rssMb, 1), unit: 'MB', events: BIG })
}
