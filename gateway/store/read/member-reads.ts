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
      (this.db.query('SELECT phone_enc FROM members WHERE id = ? AND forgotten_at IS NULL').pluck().get(memberId) as
        string | undefined) ?? null
    )
  }

  /** The member's QR secret (base64url); null for an unknown member. */
  qrSecret(memberId: string): string | null {
    return (
      (this.db.query('SELECT qr_secret FROM members WHERE id = ? AND forgotten_at IS NULL').pluck().get(memberId) as
        string | undefined) ?? null
    )
  }

  count(): number {
    return this.db.query('SELECT count(*) FROM members WHERE forgotten_at IS NULL').pluck().get() as number
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
      (this.db.query('SELECT created_at FROM members WHERE id = ? AND forgotten_at IS NULL').pluck().get(memberId) as
        number | undefined) ?? null
    )
  }

  /**
   * Members not seen since `before` (their last activity, or joining), not forgotten yet,
   * and holding no money on a card (the money is theirs: they are kept until it is spent).
   */
  dueForRetention(before: number, limit: number): string[] {
    return this.db
      .query(
        `SELECT m.id FROM members m LEFT JOIN member_profiles p ON p.member = m.id
         WHERE m.forgotten_at IS NULL AND coalesce(p.last_seen, m.created_at) < ?
           AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.member = m.id AND c.principal + c.bonus > 0)
         LIMIT ?`,
      )
      .pluck()
      .all(before, limit) as string[]
  }

  tagsOf(memberId: string): string[] {
    return this.db.query('SELECT tag FROM member_tags WHERE member = ? ORDER BY tag').pluck().all(memberId) as string[]
  }

  allTags(): Map<string, string[]> {
    const rows = this.db.query('SELECT member, tag FROM member_tags ORDER BY member, tag').all() as {
      member: string
      tag: string
    }[]
    const tags = new Map<string, string[]>()
    for (const r of rows) tags.set(r.member, [...(tags.get(r.member) ?? []), r.tag])
    return tags
  }

  /** What a member did here, from the profile the writer keeps (store/tx/member-profile.ts); null before anything. */
  value(memberId: string): MemberValue | null {
    return (
      (this.db
        .query(
          `SELECT first_seen AS firstSeen, last_seen AS lastSeen, visits, plays, vouchers_won AS vouchersWon,
             vouchers_redeemed AS vouchersRedeemed, sales_count AS salesCount, sales_total AS salesTotal
           FROM member_profiles WHERE member = ?`,
        )
        .get(memberId) as MemberValue | undefined) ?? null
    )
  }
}

export interface MemberValue {
  firstSeen: number
  lastSeen: number
  /** Days with any activity here. */
  visits: number
  plays: number
  vouchersWon: number
  vouchersRedeemed: number
  /** Sales the POS linked to the member (member QR or a member voucher in the sale), in minor units. */
  salesCount: number
  salesTotal: number
}
