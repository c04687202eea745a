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

  count(): number {
    return this.db.query('SELECT count(*) FROM members').pluck().get() as number
  }

  /** Members whose latest answer for each consent kind is yes. */
  consentTotals(): Record<string, number> {
    const rows = this.db
      .query(
        `SELECT kind, sum(granted) AS yes FROM (
           SELECT kind, granted, max(event_seq) FROM member_consents GROUP BY member, kind
         ) GROUP BY kind`,
      )
      .all() as { kind: string; yes: number }[]
    return Object.fromEntries(rows.map((r) => [r.kind, r.yes]))
  }

  joinedAt(memberId: string): number | null {
    return (
      (this.db.query('SELECT created_at FROM members WHERE id = ?').pluck().get(memberId) as number | undefined) ?? null
    )
  }

  /** What a member did here: Wi-Fi visits and game plays (count and latest), vouchers issued per campaign given. */
  activity(memberId: string, campaigns: readonly number[]): MemberActivity {
    const visits = this.db
      .query('SELECT count(*) AS count, max(started_at) AS last FROM portal_sessions WHERE member = ?')
      .get(memberId) as { count: number; last: number | null }
    const plays = this.db
      .query('SELECT count(*) AS count, max(time) AS last FROM kiosk_plays WHERE member = ?')
      .get(memberId) as { count: number; last: number | null }
    // One lookup per campaign keeps to the (campaign, member) index.
    const issued = this.db.query('SELECT count(*) FROM vouchers_issued WHERE campaign = ? AND member = ?').pluck()
    const vouchers = campaigns.reduce((n, c) => n + (issued.get(c, memberId) as number), 0)
    return { visits, plays, vouchers }
  }
}

export interface MemberActivity {
  visits: { count: number; last: number | null }
  plays: { count: number; last: number | null }
  vouchers: number
}
