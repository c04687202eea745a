/** Messages between the journal (main thread) and its writer worker. */
export interface EventRow {
  id: string
  type: string
  time: number
  device: string | null
  /** Already JSON-encoded on the main thread, so bad payloads fail the caller, not a batch. */
  payload: string
}

export type ToWriter = { type: 'commit'; batch: number; rows: EventRow[] } | { type: 'close' }

export type FromWriter =
  | { type: 'ready'; lastSeq: number; integrity: string; schemaVersion: number }
  | { type: 'open-failed'; code: string; message: string }
  | { type: 'committed'; batch: number; firstSeq: number; ms: number }
  | { type: 'commit-failed'; batch: number; code: string; message: string }
  | { type: 'closed' }
