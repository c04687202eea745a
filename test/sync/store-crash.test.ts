/**
 * The store's gateway SIGKILLed mid-drain, three times: the broker publishes its Last
 * Will (retained `offline`), the restarted gateway announces itself `online` again and
 * drains from its checkpoint. The total-queue check holds over everything it journaled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { connect, type MqttClient } from 'mqtt'
import { Mosquitto } from '../../scripts/mosquitto.js'
import { freePort } from '../../scripts/bench/gateway-process.js'
import { topics } from '../../sync/contract.js'
import { requireProgram } from '../helpers/system.js'
import { tempDir } from '../helpers/tmp.js'
import { waitFor } from '../helpers/wait.js'
import { CloudEnd, checkQueue } from '../helpers/sync-harness.js'

const ready = requireProgram('mosquitto', 'sync store crash')
const CHILD = fileURLToPath(new URL('./store-child.ts', import.meta.url))

function startStore(dir: string, broker: string, mode: 'produce' | 'drain'): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, broker, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(child))
    child.once('exit', (code) => reject(new Error(`store exited ${code} before ready`)))
  })
}

describe.skipIf(!ready)('store gateway killed mid-drain', () => {
  let tmp: ReturnType<typeof tempDir>
  let broker: Mosquitto
  let cloud: CloudEnd
  let watcher: MqttClient
  const statuses: string[] = []
  beforeAll(async () => {
    tmp = tempDir()
    broker = new Mosquitto({ dir: join(tmp.dir, 'broker'), port: await freePort() })
    await broker.start()
    cloud = new CloudEnd(join(tmp.dir, 'cloud.db'), broker.url).start()
    watcher = connect(broker.url, { protocolVersion: 5, reconnectPeriod: 0 })
    await new Promise<void>((resolve) =>
      watcher.once('connect', () => watcher.subscribe(topics.status('shop-a'), { qos: 1 }, () => resolve())),
    )
    watcher.on(
      'message',
      (_t, payload) => payload.length && statuses.push((JSON.parse(payload.toString()) as { state: string }).state),
    )
  })
  afterAll(async () => {
    watcher?.end(true)
    await cloud?.stop()
    await broker?.kill()
    tmp?.cleanup()
  })

  it('publishes its Last Will when killed, comes back online, and loses or doubles nothing', async () => {
    const dir = join(tmp.dir, 'store')
    const db = join(dir, 'journal.db')
    for (let round = 0; round < 3; round++) {
      const child = await startStore(dir, broker.url, 'produce')
      await waitFor(() => statuses.at(-1) === 'online', 'birth: online')
      await new Promise((r) => setTimeout(r, 400 + Math.random() * 400))
      child.kill('SIGKILL')
      await waitFor(() => statuses.at(-1) === 'offline', 'Last Will: offline')
    }
    const child = await startStore(dir, broker.url, 'drain')
    const journal = new Database(db, { readonly: true })
    const lastSeq = journal.prepare('SELECT last_seq FROM journal_meta').pluck().get() as number
    await waitFor(
      () => journal.prepare('SELECT acked_seq FROM sync_state').pluck().get() === lastSeq,
      `all ${lastSeq} acknowledged`,
      60_000,
    )
    journal.close()
    child.kill('SIGTERM')
    await new Promise((r) => child.once('exit', r))
    expect(statuses.filter((s) => s === 'offline').length).toBeGreaterThanOrEqual(4) // three wills, one goodbye
    expect(statuses.at(-1)).toBe('offline')
    const check = checkQueue(db, join(tmp.dir, 'cloud.db'), 'shop-a')
    expect(check.journaled).toBeGreaterThan(1000)
    expect(check).toEqual({
      journaled: lastSeq,
      received: lastSeq,
      lost: [],
      duplicated: 0,
      mismatched: 0,
      reordered: 0,
    })
  }, 90_000)
})
