/**
 * The total-queue check through a real Mosquitto: a store drains its journal to the
 * reference ingest while the broker is killed (SIGKILL) and restarted again and again,
 * with and without broker persistence. Every run: nothing lost, nothing held twice,
 * every event first arriving in seq order.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { Mosquitto } from '../../scripts/mosquitto.js'
import { freePort } from '../../scripts/bench/gateway-process.js'
import { requireProgram } from '../helpers/system.js'
import { tempDir } from '../helpers/tmp.js'
import { waitFor } from '../helpers/wait.js'
import { CloudEnd, StoreEnd, checkQueue, storeConfig } from '../helpers/sync-harness.js'

const ready = requireProgram('mosquitto', 'sync broker faults')

describe.skipIf(!ready)('sync through a broker that keeps crashing', () => {
  let tmp: ReturnType<typeof tempDir>
  let broker: Mosquitto
  let store: StoreEnd
  let cloud: CloudEnd
  beforeEach(() => (tmp = tempDir()))
  afterEach(async () => {
    await store?.stop()
    await cloud?.stop()
    await broker?.kill()
    tmp.cleanup()
  })

  for (const persistence of [false, true]) {
    it(`loses nothing and doubles nothing across 6 broker kills (persistence ${persistence ? 'on' : 'off'})`, async () => {
      broker = new Mosquitto({ dir: join(tmp.dir, 'broker'), port: await freePort(), persistence })
      await broker.start()
      cloud = new CloudEnd(join(tmp.dir, 'cloud.db'), broker.url).start()
      store = await new StoreEnd(storeConfig(join(tmp.dir, 'store'), 'shop-a', broker.url)).start()
      const producer = store.producing()
      for (let i = 0; i < 6; i++) {
        await new Promise((r) => setTimeout(r, 250 + Math.random() * 250))
        await broker.restart()
      }
      const events = await producer.stop()
      await waitFor(() => store.acked() === events, `all ${events} acknowledged (at ${store.acked()})`, 60_000)
      const check = checkQueue(join(tmp.dir, 'store', 'journal.db'), join(tmp.dir, 'cloud.db'), 'shop-a')
      expect(check).toEqual({
        journaled: events,
        received: events,
        lost: [],
        duplicated: 0,
        mismatched: 0,
        reordered: 0,
      })
      await waitFor(() => store.sync.status().state === 'online', 'store back online after the last restart')
      expect(store.sync.status().connects).toBeGreaterThanOrEqual(4) // the faults really cut the link (7 when every restart is caught between kills)
    }, 90_000)
  }
})
