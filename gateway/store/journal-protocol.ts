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

/**
 * A domain command run by the writer inside the batch's transaction (e.g. redeem a
 * voucher: conditional update + redemption row + its events + outbox, all or nothing).
 * `at` is the number of plain rows that precede it in the batch, which keeps seqs in
 * submission order.
 */
export interface CommandCall {
  at: number
  name: string
  args: unknown
}

/** An event a command appended; payload stays JSON text until the main thread needs it. */
export interface WrittenEvent extends EventRow {
  seq: number
}

export type CommandOutcome =
  { ok: true; result: unknown; events: WrittenEvent[] } | { ok: false; code: string; message: string }

export type ToWriter = { type: 'commit'; batch: number; flat: FlatRows; commands: CommandCall[] } | { type: 'close' }

export type FromWriter =
  | { type: 'ready'; lastSeq: number; schemaVersion: number }
  /** Long work before `ready` (building rollups for an upgraded journal), for the log. */
  | { type: 'progress'; message: string; done: number; total: number }
  | { type: 'open-failed'; code: string; message: string }
  | { type: 'committed'; batch: number; firstSeq: number; ms: number; outcomes: CommandOutcome[] }
  | { type: 'commit-failed'; batch: number; code: string; message: string }
  | { type: 'closed' }
