/** gateway.start: `tillside start` process spawned → /healthz answers 200; idle RSS after. */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort, spawnGateway, stopGateway } from './gateway-process.js'
import { percentile, report, round } from './report.js'

const RUNS = 5

export async function benchGatewayStart(dir: string): Promise<void> {
  const times: number[] = []
  let rssMb = 0
  for (let run = 0; run < RUNS; run++) {
    const port = await freePort()
    const config = join(dir, `start-${run}.yaml`)
    writeFileSync(
      config,
      `store: { id: bench, name: Bench }\ndataDir: ${join(dir, `start-${run}`)}\nhttp: { port: ${port} }\nlog: { level: warn }\n` +
        'devices:\n  - { id: till-scanner, kind: scanner, role: till, transport: { type: simulator } }\n',
    )
    const t0 = performance.now()
    const child = await spawnGateway(config, port)
    times.push(performance.now() - t0)
    if (run === RUNS - 1) {
      await sleep(3000) // idle: after start-up garbage is collected
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
      rssMb = Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024
    }
    await stopGateway(child)
  }
  times.sort((a, b) => a - b)
  report({ bench: 'gateway.start', metric: 'spawn_to_healthz_median', value: round(percentile(times, 50), 1), unit: 'ms', runs: RUNS, max: round(times.at(-1)!, 1) })
  report({ bench: 'gateway.start', metric: 'idle_rss', value: round(rssMb, 1), unit: 'MB' })
}
