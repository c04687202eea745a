/**
 * mqtt-packet's cache of encoded lengths must not pin a Buffer-pool slab for each new
 * packet length (issue #22): once warmed, thousands of new lengths keep nothing alive.
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { writeToStream } from 'mqtt-packet'
import { describe, expect, it } from 'vitest'
import { warmMqttPacketCache } from '../../sync/mqtt-packet-cache.js'
import { waitFor } from '../helpers/wait.js'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

describe('mqtt-packet length cache', () => {
  it('keeps no pool slabs alive for new packet lengths once warmed', async () => {
    await warmMqttPacketCache()
    gc()
    const before = process.memoryUsage().arrayBuffers
    const sink = { write: () => true } as unknown as Parameters<typeof writeToStream>[1]
    const payload = Buffer.alloc(16_384)
    for (let i = 0; i < 3000; i++) {
      const length = 3 + ((i * 7919) % 16_000)
      writeToStream(
        { cmd: 'publish', topic: 't', payload: payload.subarray(0, length - 3), qos: 0, dup: false, retain: false },
        sink,
      )
      Buffer.allocUnsafe(3000) // other code taking from the pool between packets, as in a running gateway
    }
    // V8 frees ArrayBuffers on a background thread after a collection: poll, collecting each time.
    // Unwarmed, the same loop keeps ~12 MB of slabs alive (3,000 × 4 KB+) however long it waits.
    let grown = Infinity
    const freed = () => {
      gc()
      grown = process.memoryUsage().arrayBuffers - before
      return grown < 1024 * 1024
    }
    await waitFor(freed, 'the pool slabs freed', 5000).catch(() => undefined)
    expect(grown).toBeLessThan(1024 * 1024)
  })
})
