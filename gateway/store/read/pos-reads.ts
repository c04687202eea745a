/** POS reads: what an idempotency key was first answered with. */
import type { ReadSource } from './read-source.js'

export class PosReads {
  constructor(private readonly db: ReadSource) {}

  /** The first request's hash and its stored answer (JSON), or null for a new key. */
  idempotent(key: string): { requestHash: string; response: string } | null {
    return (
      (this.db.query('SELECT request_hash AS requestHash, response FROM idempotency WHERE key = ?').get(key) as
        { requestHash: string; response: string } | undefined) ?? null
    )
  }
}
