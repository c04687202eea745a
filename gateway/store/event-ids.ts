/**
 * Event ids: ULIDs, monotonic within this process. ulid's own random source asks the OS for
 * one byte per character, in a fresh buffer each time: 16 synchronous crypto calls for
 * every millisecond that mints an id, ~0.14 ms of each till decision (issue #13, item 12).
 * These are the same bytes from the same CSPRNG (crypto.randomFillSync), drawn from a
 * pool refilled a few kilobytes at a time.
 */
import { randomFillSync } from 'node:crypto'
import { monotonicFactory, type ULIDFactory } from 'ulid'

const POOL_BYTES = 4096

/** A uniform number in [0, 1) in steps of 1/256, as ulid's own source gives (256 is a multiple of its 32 letters). */
export function pooledRandom(poolBytes = POOL_BYTES): () => number {
  const pool = new Uint8Array(poolBytes)
  let at = poolBytes
  return () => {
    if (at === poolBytes) {
      randomFillSync(pool)
      at = 0
    }
    return pool[at++]! / 256
  }
}

/** A monotonic ULID factory over the pooled source. */
export const eventIdFactory = (): ULIDFactory => monotonicFactory(pooledRandom())
