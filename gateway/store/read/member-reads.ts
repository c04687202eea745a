/** Member reads. Phones are only ever looked up by their keyed hash, and read back sealed. */
import type { ReadSource } from './read-source.js'

export class MemberReads {
  constructor(private readonly db: ReadSource) {}

  idByPhoneHash(hash: string): string | null {
    return (
      (this.db.query('SELECT id FROM members WHERE phone_hash = ?').pluck().get(hash) as string | undefined) ?? null
    )
  }

  /** The member's latest answer for a consent kind; null when never asked. */
  latestConsent(memberId: string, kind: string): boolean | null {
    const granted = this.db
      .query('SELECT granted FROM member_consents WHERE member = ? AND kind = ? ORDER BY event_seq DESC LIMIT 1')
      .pluck()
      .get(memberId, kind) as number | undefined
    return granted === undefined ? null : granted === 1
  }

  sealedPhone(memberId: string): string | null {
    return (
      (this.db.query('SELECT phone_enc FROM members WHERE id = ?').pluck().get(memberId) as string | undefined) ?? null
    )
  }

  /** The member's QR secret (base64url); null for an unknown member. */
  qrSecret(memberId: string): string | null {
    return (
      (this.db.query('SELECT qr_secret FROM members WHERE id = ?').pluck().get(memberId) as string | undefined) ?? null
    )
  }
}
