/** Print job reads: the queue's next job, a job's state and its stored document. */
import type { ReadSource } from './read-source.js'

export interface PrintJob {
  id: string
  printer: string
  kind: string
  state: 'queued' | 'printing' | 'done' | 'failed' | 'cancelled' | 'interrupted'
  attempts: number
  lastError: string | null
  reprintOf: string | null
  createdAt: number
  finishedAt: number | null
}

const JOB_COLUMNS =
  'id, printer, kind, state, attempts, last_error AS lastError, reprint_of AS reprintOf, created_at AS createdAt, finished_at AS finishedAt'

export class PrintReads {
  constructor(private readonly db: ReadSource) {}

  job(id: string): PrintJob | null {
    return (this.db.query(`SELECT ${JOB_COLUMNS} FROM print_jobs WHERE id = ?`).get(id) as PrintJob | undefined) ?? null
  }

  /** The job queued under a request key (e.g. `play:<id>`), whatever its state. */
  jobByRequest(requestKey: string): Pick<PrintJob, 'id' | 'state' | 'lastError'> | null {
    return (
      (this.db
        .query('SELECT id, state, last_error AS lastError FROM print_jobs WHERE request_key = ?')
        .get(requestKey) as Pick<PrintJob, 'id' | 'state' | 'lastError'> | undefined) ?? null
    )
  }

  /** The job's document as queued (JSON text); null for an unknown job. */
  document(id: string): string | null {
    return (this.db.query('SELECT document FROM print_jobs WHERE id = ?').pluck().get(id) as string | undefined) ?? null
  }

  queuedCount(printer: string): number {
    return this.db
      .query("SELECT count(*) FROM print_jobs WHERE printer = ? AND state = 'queued'")
      .pluck()
      .get(printer) as number
  }

  /** The printer's next job in queue order. */
  nextQueued(printer: string): { id: string; document: string } | null {
    return (
      (this.db
        .query("SELECT id, document FROM print_jobs WHERE printer = ? AND state = 'queued' ORDER BY position LIMIT 1")
        .get(printer) as { id: string; document: string } | undefined) ?? null
    )
  }

  /** A printer's latest jobs, newest first, and every one still waiting for a person (interrupted) however old. */
  latest(printer: string, limit: number): PrintJob[] {
    const recent = this.db
      .query(`SELECT ${JOB_COLUMNS}, position FROM print_jobs WHERE printer = ? ORDER BY position DESC LIMIT ?`)
      .all(printer, limit) as (PrintJob & { position: number })[]
    const waiting = this.db
      .query(`SELECT ${JOB_COLUMNS}, position FROM print_jobs WHERE printer = ? AND state = 'interrupted'`)
      .all(printer) as (PrintJob & { position: number })[]
    const seen = new Set(recent.map((j) => j.id))
    return [...recent, ...waiting.filter((j) => !seen.has(j.id))]
      .sort((a, b) => b.position - a.position)
      .map(({ position: _, ...job }) => job)
  }
}
