/**
 * mqtt-packet (the encoder under mqtt.js and aedes) caches the encoded "remaining length"
 * of every packet length below 16,384 it writes, each a few bytes cut from Node's shared
 * 8 KB Buffer pool. A cached view keeps its whole pool slab alive, so every new length
 * seen for the first time pins another 8 KB: sync batches come in every size, and over
 * days that was thousands of slabs (issue #22; heap snapshots showed them retained by
 * mqtt-packet's `varByteIntCache`). Writing every length once, in one burst before the
 * first connection, fills the cache from consecutive slabs (about 130 KB); it is full, so
 * it never grows again.
 */
import { writeToStream } from 'mqtt-packet'

/** Lengths mqtt-packet caches (writeToStream.js: `if (num < 16384) varByteIntCache[num] = …`). */
const CACHED_LENGTHS = 16_384
const TOPIC = 't'
/** A QoS 0 publish's remaining length is 2 + topic + payload; lengths 0–2 (pings, acknowledgements) are left to first use: three slabs at most. */
const FIRST = 2 + TOPIC.length
const BURST = 2048
const sink = { write: () => true } as unknown as Parameters<typeof writeToStream>[1]
let warming: Promise<void> | undefined

/**
 * Fills the cache in bursts of 2,048 lengths on the next turns of the event loop (about
 * 135 ms of work in all: start-up is not held up). Each burst takes consecutive slabs.
 */
export function warmMqttPacketCache(): Promise<void> {
  warming ??= new Promise((resolve) => {
    const payload = Buffer.alloc(CACHED_LENGTHS)
    let length = FIRST
    const burst = () => {
      for (const end = Math.min(CACHED_LENGTHS, length + BURST); length < end; length++) {
        const packet = {
          cmd: 'publish',
          topic: TOPIC,
          payload: payload.subarray(0, length - FIRST),
          qos: 0,
          dup: false,
          retain: false,
        } as const
        writeToStream(packet, sink)
      }
      if (length < CACHED_LENGTHS) setImmediate(burst)
      else resolve()
    }
    setImmediate(burst)
  })
  return warming
}
