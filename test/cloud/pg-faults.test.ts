/**
 * The chain's cloud under faults, all real parts: two `tillside cloud` worker processes
 * sharing a round-robin subscription on a real mosquitto, over one real PostgreSQL. In
 * each of 10 rounds, fresh stores send their journals while one fault strikes: a worker
 * SIGKILLed mid-batch (and started again), PostgreSQL SIGKILLed with all its backends
 * (and started again: crash recovery), or the broker restarted. After each round the
 * total-queue check: every event each store sent is in PostgreSQL exactly once, its seqs
 * contiguous, in the order they were sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import pg from 'pg'
import { Mosquitto } from '../../scripts/mosquitto.js'
import type { Postgres } from '../../scripts/postgres.js'
import { freePort } from '../../scripts/bench/gateway-process.js'
import { ChainStores, storeId } from '../../scripts/bench/chain-stores.js'
import { PgCloudDb } from '../../sync/ingest/pg/pg-cloud-db.js'
import { silentLogger } from '../../gateway/log.js'
import { requireProgram } from '../helpers/system.js'
import { tempDir } from '../helpers/tmp.js'
import { waitFor } from '../helpers/wait.js'
import { freshDatabase, havePostgres, startPostgres } from '../helpers/postgres.js'
import { BUNDLE } from '../helpers/cli.js'

const ready = havePostgres('cloud faults') && requireProgram('mosquitto', 'cloud faults')
const STORES = 8
const EVENTS = 2_000
const ROUNDS = 10

/** `work`, or an error saying where things stand once `ms` pass (rather than the test's own timeout). */
async function within<T>(work: Promise<T>, ms: number, stalled: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(stalled())), ms)))
  try {
    return await Promise.race([work, late])
  } finally {
    clearTimeout(timer)
  }
}

describe.skipIf(!ready)('the PostgreSQL cloud under faults', () => {
  const tmp = tempDir()
  let broker: Mosquitto
  let server: Postgres
  let url: string
  const workers = new Map<string, ChildProcess>()
  /** Each worker's recent output (across its restarts), for a round that stalls. */
  const logs = new Map<string, string>()
  /** Rejects when a worker ends by itself: a failure of the round under way. */
  let crashed: (err: Error) => void = () => undefined
  const crash = new Promise<never>((_, reject) => (crashed = reject))
  crash.catch(() => undefined)

  /** A worker of the built CLI; resolves once it is subscribed. */
  const startWorker = (id: string) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [BUNDLE, 'cloud', '--broker', broker.url, '--db', url, '--shared', '--id', id],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      )
      let out = ''
      const keep = (d: Buffer) => {
        out = (out + d.toString()).slice(-20_000)
        logs.set(id, ((logs.get(id) ?? '') + d.toString()).slice(-6_000))
      }
      child.stdout!.on('data', (d: Buffer) => {
        keep(d)
        if (out.includes('"broker connected"')) resolve()
      })
      child.stderr!.on('data', keep)
      child.once('exit', (code, signal) => {
        if (workers.get(id) === child) workers.delete(id)
        if (signal === 'SIGKILL' || signal === 'SIGTERM') return
        const crash = new Error(`worker ${id} exited (${code}): ${out.slice(-3000)}`)
        reject(crash)
        crashed(crash)
      })
      workers.set(id, child)
    })

  const killWorker = async (id: string) => {
    const child = workers.get(id)!
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGKILL')
    await exited
  }

  const query = async <R extends pg.QueryResultRow>(sql: string, args: unknown[] = []) => {
    // A fresh connection each time: PostgreSQL is killed between some of them.
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      return (await client.query<R>(sql, args)).rows
    } finally {
      await client.end()
    }
  }

  beforeAll(async () => {
    broker = new Mosquitto({ dir: join(tmp.dir, 'broker'), port: await freePort(), persistence: true })
    await broker.start()
    server = await startPostgres(tmp.dir)
    url = await freshDatabase(server)
    const db = await PgCloudDb.open({ url }, silentLogger())
    const ids = []
    for (let r = 0; r < ROUNDS; r++) for (let i = 0; i < STORES; i++) ids.push(storeId(`r${r}s`, i))
    await db.enroll(ids)
    await db.close()
    await startWorker('fault-a')
    await startWorker('fault-b')
  }, 120_000)
  afterAll(async () => {
    for (const child of workers.values()) child.kill('SIGKILL')
    await server?.stop()
    await broker?.kill()
    tmp.cleanup()
  })

  const faults: [string, () => Promise<void>][] = [
    ['a worker killed mid-batch', () => killWorker('fault-a').then(() => startWorker('fault-a'))],
    ['PostgreSQL killed', () => server.restart()],
    ['the broker restarted', () => broker.restart()],
    ['the other worker killed mid-batch', () => killWorker('fault-b').then(() => startWorker('fault-b'))],
  ]

  it('stores every event exactly once, contiguous and in order, through 10 rounds of faults', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const [what, strike] = faults[round % faults.length]!
      const prefix = `r${round}s`
      const chain = new ChainStores(broker.url, {
        stores: STORES,
        eventsPerStore: EVENTS,
        batchSize: 50,
        window: 4,
        ackTimeoutMs: 3_000,
        prefix,
      })
      const run = chain.run()
      // Strike while batches are going in.
      await waitFor(
        async () =>
          Number(
            (await query<{ n: string }>('SELECT count(*) AS n FROM events WHERE store LIKE $1', [`${prefix}%`]))[0]!.n,
          ) >
          (STORES * EVENTS) / 4,
        `round ${round}: a quarter stored`,
        60_000,
      )
      const stalled = () =>
        `${chain.describe()}\n${[...logs].map(([id, log]) => `--- worker ${id}, last output:\n${log}`).join('\n')}`
      // A worker that ends by itself (crash) fails the round at once.
      await within(
        Promise.race([strike(), crash]),
        120_000,
        () => `round ${round}: ${what} did not finish\n${stalled()}`,
      )
      await within(
        Promise.race([run, crash]),
        120_000,
        () => `round ${round}: ${what}, the stores' events not all acknowledged\n${stalled()}`,
      )
      const rows = await query<{ store: string; n: string; low: string; high: string; ids: string; reordered: string }>(
        `SELECT store, count(*) AS n, min(seq) AS low, max(seq) AS high,
             count(*) FILTER (WHERE id <> store || '-' || seq) AS ids,
             (SELECT count(*) FROM (SELECT arrival < lag(arrival) OVER (ORDER BY seq) AS back
                                    FROM events e2 WHERE e2.store = e.store) x WHERE back) AS reordered
           FROM events e WHERE store LIKE $1 GROUP BY store ORDER BY store`,
        [`${prefix}%`],
      )
      expect(
        rows.map((r) => [r.store, +r.n, +r.low, +r.high, +r.ids, +r.reordered]),
        `round ${round}: ${what}`,
      ).toEqual(chain.storeIds.map((s) => [s, EVENTS, 1, EVENTS, 0, 0]))
    }
    // The cloud's marks agree with what it holds.
    const marks = await query<{ n: string }>(
      `SELECT count(*) AS n FROM stores WHERE enrolled_at IS NOT NULL AND contiguous <> $1`,
      [EVENTS],
    )
    expect(Number(marks[0]!.n)).toBe(0)
  }, 600_000)
})
