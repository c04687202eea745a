/**
 * cloud.ingest: 1,000 simulated stores (chain-stores.ts, one process, each its own seq
 * and topic) send 2,000,000 events (BENCH_CLOUD_EVENTS) over a local Mosquitto to the
 * built `tillside cloud --db postgres://…` — one worker, then two sharing the load
 * ($share, round-robin) — each on a fresh database of a real PostgreSQL with fsync on;
 * events/s from the first batch to the last ack, every event checked stored once. Side
 * by side, the naive ingest: one INSERT per event, a transaction per batch.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import pg from 'pg'
import { connect } from 'mqtt'
import { Mosquitto } from '../mosquitto.js'
import { Postgres } from '../postgres.js'
import { PgCloudDb } from '../../sync/ingest/pg/pg-cloud-db.js'
import { silentLogger } from '../../gateway/log.js'
import { CLI, freePort } from './gateway-process.js'
import { ChainStores, storeId } from './chain-stores.js'
import { report, round } from './report.js'

const STORES = 1_000
const BATCH = 100
const WINDOW = 2

let dbs = 0
async function freshDb(server: Postgres): Promise<string> {
  const name = `bench${++dbs}`
  const admin = new pg.Client({ connectionString: server.url })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  return server.url.replace(/\/tillside$/, `/${name}`)
}

/** Starts a worker of the built CLI; resolves once it is subscribed. */
function worker(broker: string, db: string, id: string, shared: boolean): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const args = [CLI, 'cloud', '--broker', broker, '--db', db, '--id', id, ...(shared ? ['--shared'] : [])]
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('"broker connected"')) resolve(child)
    })
    child.stderr!.on('data', (d: Buffer) => process.stderr.write(d))
    child.once('exit', (code) => reject(new Error(`worker ${id} exited (${code}): ${out.slice(-2000)}`)))
  })
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  child.removeAllListeners('exit')
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  await exited
}

/** Every store's events, each once: the total-queue check. */
async function check(url: string, table: string, stores: number, perStore: number): Promise<void> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    const r = await c.query<{ n: string; stores: string; top: string }>(
      `SELECT count(*) AS n, count(DISTINCT store) AS stores, max(seq) AS top FROM ${table}`,
    )
    const { n, top } = r.rows[0]!
    if (Number(n) !== stores * perStore || Number(top) !== perStore)
      throw new Error(`${table}: ${n} events stored, ${stores * perStore} sent (highest seq ${top})`)
  } finally {
    await c.end()
  }
}

interface Shape {
  stores: number
  perStore: number
  batch: number
  window: number
}

async function ours(broker: Mosquitto, server: Postgres, workers: number, shape: Shape): Promise<number> {
  const url = await freshDb(server)
  const db = await PgCloudDb.open({ url }, silentLogger())
  await db.enroll(Array.from({ length: shape.stores }, (_, i) => storeId('s', i)))
  await db.close()
  const children = await Promise.all(
    Array.from({ length: workers }, (_, i) => worker(broker.url, url, `bench-${workers}w${i}`, workers > 1)),
  )
  try {
    const chain = new ChainStores(broker.url, {
      stores: shape.stores,
      eventsPerStore: shape.perStore,
      batchSize: shape.batch,
      window: shape.window,
    })
    const { ms, events } = await chain.run()
    await check(url, 'events', shape.stores, shape.perStore)
    process.stderr.write(
      `cloud.ingest: ${workers} worker(s): ${events} events in ${round(ms / 1000)} s, ${chain.resends} resends\n`,
    )
    return events / (ms / 1000)
  } finally {
    for (const c of children) await stop(c)
  }
}

/** The naive ingest: one INSERT per event, one transaction per batch, acked after COMMIT. */
async function naive(broker: Mosquitto, server: Postgres, perStore: number): Promise<number> {
  const url = await freshDb(server)
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  await c.query(`CREATE TABLE events (store text, seq bigint, id text, type text, time bigint, device text,
    payload json, PRIMARY KEY (store, seq)); CREATE TABLE stores (store text PRIMARY KEY, contiguous bigint NOT NULL)`)
  await c.query('INSERT INTO stores SELECT $1 || lpad(g::text, 4, $2), 0 FROM generate_series(0, $3) g', [
    's',
    '0',
    STORES - 1,
  ])
  const mqtt = connect(broker.url, { protocolVersion: 5, clientId: 'naive-ingest' })
  await new Promise((r) => mqtt.once('connect', r))
  await mqtt.subscribeAsync('tillside/v1/+/events', { qos: 1 })
  let chainDone = false
  let queue = Promise.resolve()
  mqtt.on('message', (_topic, payload) => {
    queue = queue.then(async () => {
      if (chainDone) return
      const b = JSON.parse(payload.toString()) as {
        store: string
        events: { seq: number; id: string; type: string; time: number; device: string | null; payload: unknown }[]
      }
      await c.query('BEGIN')
      const mark = Number(
        (await c.query('SELECT contiguous FROM stores WHERE store = $1 FOR UPDATE', [b.store])).rows[0].contiguous,
      )
      let top = mark
      if (b.events[0]!.seq <= mark + 1) {
        for (const e of b.events) {
          if (e.seq <= mark) continue
          await c.query('INSERT INTO events VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING', [
            b.store,
            e.seq,
            e.id,
            e.type,
            e.time,
            e.device,
            JSON.stringify(e.payload),
          ])
          top = e.seq
        }
        await c.query('UPDATE stores SET contiguous = $1 WHERE store = $2', [top, b.store])
      }
      await c.query('COMMIT')
      await mqtt.publishAsync(
        `tillside/v1/${b.store}/ack`,
        JSON.stringify({ v: 1, seq: top, ...(top === mark && b.events[0]!.seq > mark + 1 ? { resend: true } : {}) }),
        { qos: 1 },
      )
    })
  })
  try {
    const chain = new ChainStores(broker.url, {
      stores: STORES,
      eventsPerStore: perStore,
      batchSize: BATCH,
      window: WINDOW,
    })
    const { ms, events } = await chain.run()
    chainDone = true
    await queue
    await check(url, 'events', STORES, perStore)
    process.stderr.write(`cloud.ingest: naive: ${events} events in ${round(ms / 1000)} s\n`)
    return events / (ms / 1000)
  } finally {
    await mqtt.endAsync()
    await c.end()
  }
}

export async function benchCloudIngest(dir: string): Promise<void> {
  const events = Number(process.env.BENCH_CLOUD_EVENTS ?? 2_000_000)
  const perStore = Math.max(BATCH, Math.round(events / STORES))
  const broker = new Mosquitto({ dir: join(dir, 'broker'), port: await freePort() })
  const server = new Postgres({ dir: join(dir, 'pg'), port: await freePort(), fsync: true })
  await broker.start()
  await server.start()
  try {
    const chain: Shape = { stores: STORES, perStore, batch: BATCH, window: WINDOW }
    const one = await ours(broker, server, 1, chain)
    const two = await ours(broker, server, 2, chain)
    // One store's backlog as a gateway drains it (batches of 1,000, 16 out): round-robin
    // delivery splits every other batch to the other worker — the worst case for order.
    const backlog: Shape = { stores: 1, perStore: Math.min(200_000, events), batch: 1000, window: 16 }
    const oneStore1 = await ours(broker, server, 1, backlog)
    const oneStore2 = await ours(broker, server, 2, backlog)
    // The naive way is slow: a tenth of the events (its rate does not depend on how many).
    const slow = await naive(broker, server, Math.max(BATCH, Math.round(perStore / 10)))
    const common = { stores: STORES, events: STORES * perStore, batch: BATCH }
    const line = (metric: string, value: number, baseline: string, base: number, extra: object) =>
      report({
        bench: 'cloud.ingest',
        metric,
        value: Math.round(value),
        unit: 'events/s',
        baseline,
        baseline_value: Math.round(base),
        ratio: round(value / base),
        ...extra,
      })
    line('events_per_s_1_worker', one, 'one INSERT per event', slow, common)
    line('events_per_s_2_workers', two, 'one worker', one, common)
    line('one_store_backlog_2_workers', oneStore2, 'one worker', oneStore1, {
      stores: 1,
      events: backlog.perStore,
      batch: 1000,
    })
  } finally {
    await server.stop()
    await broker.kill()
  }
}
