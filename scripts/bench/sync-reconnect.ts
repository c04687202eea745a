/**
 * sync.reconnect: a 95-second broker outage (SIGKILL) while the store keeps journaling,
 * then the broker back: how long until the store is online and its backlog drained.
 * The built gateway with the default reconnect settings (1 s doubling, 15 s cap, full
 * jitter), side by side in the same outage with the settings before issue #13 (60 s cap):
 * a store then sat idle up to ~47 s with its broker back.
 */
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Mosquitto } from '../mosquitto.js'
import { CLI, freePort, spawnGateway, stopGateway } from './gateway-process.js'
import { report, round } from './report.js'

const OUTAGE_MS = 95_000

interface Status {
  journal: { lastSeq: number }
  sync: { state: string; acked?: number }
}

async function store(dir: string, name: string, brokerUrl: string, reconnect: string) {
  const port = await freePort()
  const config = join(dir, `${name}.yaml`)
  writeFileSync(
    config,
    `store: { id: ${name}, name: Bench }\ndev: true\ndataDir: ${join(dir, name)}\nhttp: { port: ${port} }\nlog: { level: warn }\nsync: { broker: '${brokerUrl}', reconnect: ${reconnect} }\n`,
  )
  const child = await spawnGateway(config, port)
  const base = `http://127.0.0.1:${port}`
  return {
    child,
    status: async () => (await (await fetch(`${base}/api/status`)).json()) as Status,
    scan: () =>
      fetch(`${base}/api/dev/scan`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ data: '6901234567892' }),
      }),
  }
}

export async function benchSyncReconnect(dir: string): Promise<void> {
  const broker = new Mosquitto({ dir: join(dir, 'broker'), port: await freePort() })
  await broker.start()
  const cloud = spawn(process.execPath, [CLI, 'cloud', '--broker', broker.url, '--db', join(dir, 'cloud.db')], {
    stdio: 'ignore',
  })
  const stores = [
    await store(dir, 'capped', broker.url, '{ initialMs: 1000, maxMs: 15000 }'),
    await store(dir, 'before', broker.url, '{ initialMs: 1000, maxMs: 60000 }'),
  ]
  try {
    const drained = async (s: (typeof stores)[number]) => {
      const st = await s.status()
      return st.sync.state === 'online' && st.sync.acked === st.journal.lastSeq
    }
    for (;;) {
      if ((await Promise.all(stores.map(drained))).every(Boolean)) break
      await new Promise((r) => setTimeout(r, 100))
    }
    await broker.kill()
    const outageEnds = Date.now() + OUTAGE_MS
    while (Date.now() < outageEnds) {
      await Promise.all(stores.map((s) => s.scan())) // the store goes on while the uplink is down
      await new Promise((r) => setTimeout(r, 500))
    }
    await broker.start()
    const back = performance.now()
    const took = await Promise.all(
      stores.map(async (s) => {
        for (;;) {
          if (await drained(s)) return performance.now() - back
          if (performance.now() - back > 180_000) throw new Error('store did not come back within 3 minutes')
          await new Promise((r) => setTimeout(r, 50))
        }
      }),
    )
    report({
      bench: 'sync.reconnect',
      metric: 'broker_back_to_drained',
      value: round(took[0]! / 1000, 1),
      unit: 's',
      outage_s: OUTAGE_MS / 1000,
      cap_s: 15,
      baseline: 'the same store with the 60 s cap it had before',
      baseline_value: round(took[1]! / 1000, 1),
      ratio: round(took[0]! / took[1]!, 2),
    })
  } finally {
    for (const s of stores) await stopGateway(s.child)
    cloud.kill('SIGTERM')
    await broker.kill()
  }
}
