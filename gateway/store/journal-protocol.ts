/** Messages between the journal (main thread) and its writer worker. */
export interface EventRow {
  id: string
  type: string
  time: number
  device: string | null
  /** Already JSON-encoded on the main thread, so bad payloads fail the caller, not a batch. */
  payload: string
}

/**
 * A batch travels as one flat array `[id, type, time, device, payload, id, …]`: structured
 * clone copies flat primitives several times faster than an array of objects, and at
 * 100k+ events/s that copy is the main thread's biggest cost.
 */
export type FlatRows = (string | number | null)[]
export const ROW_WIDTH = 5

export function flattenRows(items: { row: EventRow }[]): FlatRows {
  const flat: FlatRows = new Array(items.length * ROW_WIDTH)
  let i = 0
  for (const { row: r } of items) {
    flat[i++] = r.id
    flat[i++] = r.type
    flat[i++] = r.time
    flat[i++] = r.device
    flat[i++] = r.payload
  }
  return flat
}

export type ToWriter = { type: 'commit'; batch: number; flat: FlatRows } | { type: 'close' }

export type FromWriter =
  | { type: 'ready'; lastSeq: number; integrity: string; schemaVersion: number }
  | { type: 'open-failed'; code: string; message: string }
  | { type: 'committed'; batch: number; firstSeq: number; ms: number }
  | { type: 'commit-failed'; batch: number; code: string; message: string }
  | { type: 'closed' }
