/**
 * A chain's cloud worker that dies and does not come back (its machine is gone). Brokers
 * go on handing an absent member of a shared subscription its turn of the stores' batches
 * while its session lasts; a worker's session used to last a store's week, so half of
 * every store's batches waited for a worker that never came, and every store stalled
 * on the hole. Now a shared worker's session ends soon after it does (`--session-expiry`,
 * 60 s by default; 2 s here), and the worker left takes every store's events.
 * All real parts: mosquitto, PostgreSQL, the built CLI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
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
import { BUNDLE, runCli } from '../helpers/cli.js'
import { sessionExpiry } from '../../gateway/cli/cloud-cli.js'

const ready = havePostgres('cloud worker gone') && requireProgram('mosquitto', 'cloud worker gone')
const STORES = 8
const EVENTS = 1_000

describe.skipIf(!ready)('a shared cloud worker gone for good', () => {
  const tmp = tempDir()
  let broker: Mosquitto
  let server: Postgres
  let url: string
  const workers: ChildProcess[] = []

  /** A shared worker of the built CLI; resolves once it is subscribed. */
  const startWorker = (id: string) =>
    new Promise<ChildProcess>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [BUNDLE, 'cloud', '--broker', broker.url, '--db', url, '--shared', '--id', id, '--session-expiry', '2'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      )
      workers.push(child)
      let out = ''
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString()
        if (out.includes('"broker connected"')) resolve(child)
      })
      child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
      child.once('exit', (code) => reject(new Error(`worker ${id} exited (${code}): ${out.slice(-3000)}`)))
    })

  beforeAll(async () => {
    broker = new Mosquitto({ dir: join(tmp.dir, 'broker'), port: await freePort() })
    await broker.start()
    server = await startPostgres(tmp.dir)
    url = await freshDatabase(server)
    const db = await PgCloudDb.open({ url }, silentLogger())
    await db.enroll(Array.from({ length: STORES }, (_, i) => storeId('g', i)))
    await db.close()
  }, 120_000)
  afterAll(async () => {
    for (const child of workers) child.kill('SIGKILL')
    await server?.stop()
    await broker?.kill()
    tmp.cleanup()
  })

  it("lets the worker left take every store's events once the gone one's session ends", async () => {
    await startWorker('gone-a')
    const gone = await startWorker('gone-b')
    const exited = new Promise((r) => gone.once('exit', r))
    gone.kill('SIGKILL')
    await exited
    // 32 batches a wave (8 stores × a window of 4) alternate between the two members: each
    // store's first batch would go to the gone one, wave after wave, while its session lasts.
    const chain = new ChainStores(broker.url, {
      stores: STORES,
      eventsPerStore: EVENTS,
      batchSize: 50,
      window: 4,
      ackTimeoutMs: 2_000,
      prefix: 'g',
    })
    void chain.run()
    await waitFor(() => chain.acked() === STORES * EVENTS, 'every store acknowledged', 90_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${chain.describe()}`)
    })
    const db = await PgCloudDb.open({ url }, silentLogger())
    try {
      const stores = await db.stores()
      expect(stores.map((s) => [s.store, s.contiguous])).toEqual(chain.storeIds.map((s) => [s, EVENTS]))
      const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events')
      expect(rows.rows[0]!.n).toBe(STORES * EVENTS)
    } finally {
      await db.close()
    }
  }, 150_000)
})

describe('tillside cloud --session-expiry', () => {
  it('is a minute for a shared worker and for one without --id, a week alone under its --id', () => {
    expect(sessionExpiry({ id: 'ingest-1' }, true)).toBe(60)
    expect(sessionExpiry({}, false)).toBe(60)
    expect(sessionExpiry({ id: 'ingest-1' }, false)).toBe(7 * 86_400)
    expect(sessionExpiry({ id: 'ingest-1', sessionExpiry: '0' }, true)).toBe(0)
  })

  it('takes whole seconds and names the flag otherwise', async () => {
    for (const bad of ['soon', '1.5', '99999999']) {
      const r = await runCli(['cloud', '--broker', 'mqtt://127.0.0.1:1', '--session-expiry', bad], {}, { bundle: true })
      expect(r.code, bad).toBe(2)
      expect(r.stderr).toContain(`--session-expiry ${bad} must be whole seconds`)
    }
  })
})
