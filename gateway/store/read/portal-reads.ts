/** Guest Wi-Fi session reads. */
import type { ReadSource } from './read-source.js'

export interface OpenSession {
  id: string
  member: string
  ip: string
  mac: string | null
  expiresAt: number
}

const COLUMNS = 'id, member, ip, mac, expires_at AS expiresAt FROM portal_sessions'

export class PortalReads {
  constructor(private readonly db: ReadSource) {}

  /** Sessions not ended and not yet expired at `now`. */
  openSessions(now: number): OpenSession[] {
    return this.db.query(`SELECT ${COLUMNS} WHERE ended_at IS NULL AND expires_at > ?`).all(now) as OpenSession[]
  }

  /** A session not ended (it may have expired). */
  session(id: string): OpenSession | null {
    return (
      (this.db.query(`SELECT ${COLUMNS} WHERE id = ? AND ended_at IS NULL`).get(id) as OpenSession | undefined) ?? null
    )
  }
}
