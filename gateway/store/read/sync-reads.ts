/** What the sync relay and the command runner read: the checkpoint, the journal's end, events to send, commands seen. */
import type { ReadSource } from './read-source.js'

/** An event as stored: its payload still the JSON text, spliced into batches as is. */
export interface StoredEvent {
  seq: number
  id: string
  type: string
  time: number
  device: string | null
  payload: string
}

export class SyncReads {
  constructor(private readonly db: ReadSource) {}

  /** The highest seq the cloud has acknowledged. */
  ackedSeq(): number {
    return this.db.query('SELECT acked_seq FROM sync_state WHERE id = 1').pluck().get() as number
  }

  /** The journal's highest seq, from the database (other processes append too). */
  lastSeq(): number {
    return this.db.query('SELECT last_seq FROM journal_meta WHERE id = 1').pluck().get() as number
  }

  /** The time of the first event after `seq`; null when there is none. */
  firstTimeAfter(seq: number): number | null {
    return (
      (this.db.query('SELECT time FROM events WHERE seq > ? ORDER BY seq LIMIT 1').pluck().get(seq) as
        number | undefined) ?? null
    )
  }

  eventsAfter(seq: number, limit: number): StoredEvent[] {
    return this.db
      .query('SELECT seq, id, type, time, device, payload FROM events WHERE seq > ? ORDER BY seq LIMIT ?')
      .all(seq, limit) as StoredEvent[]
  }

  /** A cloud command's recorded outcome; null when it was never seen. */
  command(id: string): { status: 'ok' | 'rejected'; reason: string | null; detail: string | null } | null {
    return (
      (this.db.query('SELECT status, reason, detail FROM commands WHERE id = ?').get(id) as
        { status: 'ok' | 'rejected'; reason: string | null; detail: string | null } | undefined) ?? null
    )
  }

  /** The cloud's latest count of the pipe's departures (command pipe-summary); null before the first. */
  pipeSummary(): { at: number; body: string } | null {
    return (
      (this.db.query('SELECT at, body FROM pipe_summary WHERE id = 1').get() as
        { at: number; body: string } | undefined) ?? null
    )
  }
}
