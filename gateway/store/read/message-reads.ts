/** What the journal holds of messages to followers: for the fan-out, the member's inbox and the back office. */
import type { ReadSource } from './read-source.js'

export interface MessageRow {
  id: string
  title: Record<string, string>
  body: Record<string, string>
  hasImage: boolean
  campaign: number | null
  audience: string
  sendAt: number
  state: 'scheduled' | 'sending' | 'sent' | 'cancelled'
  cursor: string
  walked: number
  delivered: number
  capped: number
  /** Delivered → opened → voucher used → sale: attribution, counted as it happens. */
  opened: number
  redeemed: number
  sales: number
  salesTotal: number
  createdBy: string
  createdAt: number
  finishedAt: number | null
}

export interface InboxLine {
  id: string
  title: Record<string, string>
  body: Record<string, string>
  hasImage: boolean
  campaign: number | null
  deliveredAt: number
  openedAt: number | null
  voucher: { kid: number; campaign: number; serial: number; expiresHour: number } | null
}

export interface Sends {
  pending: number
  sent: number
  failed: number
  /** The latest failed try's error (the webhook's answer), if any. */
  lastError: string | null
}

const COLUMNS = `id, title, body, image IS NOT NULL AS hasImage, campaign, audience, send_at AS sendAt, state, cursor,
  walked, delivered, capped, opened, redeemed, sales, sales_total AS salesTotal, created_by AS createdBy,
  created_at AS createdAt, finished_at AS finishedAt`

type Raw<T> = Omit<T, 'title' | 'body' | 'hasImage'> & { title: string; body: string; hasImage: number }
const parse = <T extends { title: unknown; body: unknown; hasImage: unknown }>(r: Raw<T>): T =>
  ({ ...r, title: JSON.parse(r.title), body: JSON.parse(r.body), hasImage: r.hasImage === 1 }) as unknown as T

export class MessageReads {
  constructor(private readonly db: ReadSource) {}

  message(id: string): MessageRow | null {
    const r = this.db.query(`SELECT ${COLUMNS} FROM messages WHERE id = ?`).get(id) as Raw<MessageRow> | undefined
    return r ? parse<MessageRow>(r) : null
  }

  image(id: string): { type: string; bytes: Buffer } | null {
    const r = this.db.query('SELECT image_type AS type, image AS bytes FROM messages WHERE id = ?').get(id) as
      { type: string | null; bytes: Buffer | null } | undefined
    return r?.type && r.bytes ? { type: r.type, bytes: r.bytes } : null
  }

  /** The newest messages first. */
  list(limit: number): MessageRow[] {
    const rows = this.db.query(`SELECT ${COLUMNS} FROM messages ORDER BY created_at DESC LIMIT ?`).all(limit)
    return (rows as Raw<MessageRow>[]).map((r) => parse<MessageRow>(r))
  }

  /** Messages to send now: being sent, or due; oldest first. */
  due(now: number): string[] {
    return this.db
      .query(
        "SELECT id FROM messages WHERE state IN ('scheduled', 'sending') AND send_at <= ? ORDER BY send_at, created_at",
      )
      .pluck()
      .all(now) as string[]
  }

  /** When the next scheduled message is due (ms), if any. */
  nextDue(): number | null {
    return this.db.query("SELECT min(send_at) FROM messages WHERE state = 'scheduled'").pluck().get() as number | null
  }

  /**
   * Up to `limit` members after `cursor` (in id order) whose latest answers hold every
   * consent in `kinds` (the fan-out checks them again in its transaction); `through` is
   * the last member id looked at, `end` whether no member comes after it. Looks at no more
   * than `limit * 4` members per call.
   */
  consentingAfter(
    cursor: string,
    kinds: string[],
    limit: number,
  ): { members: string[]; through: string; walked: number; end: boolean } {
    const window = limit * 4
    const walk = this.db
      .query('SELECT id FROM members WHERE id > ? AND forgotten_at IS NULL ORDER BY id LIMIT ?')
      .pluck()
      .all(cursor, window) as string[]
    const holds = this.db
      .query('SELECT granted FROM member_consents WHERE member = ? AND kind = ? ORDER BY event_seq DESC LIMIT 1')
      .pluck()
    const members: string[] = []
    let through = cursor
    let walked = 0
    for (const id of walk) {
      walked++
      through = id
      if (kinds.every((k) => holds.get(id, k) === 1)) members.push(id)
      if (members.length >= limit) break
    }
    return { members, through, walked, end: walk.length < window && walked === walk.length }
  }

  /** How many messages the member got since `since` (their part of the key: one seek). */
  receivedSince(member: string, since: number): number {
    return this.db
      .query('SELECT count(*) FROM message_recipients WHERE member = ? AND delivered_at > ?')
      .pluck()
      .get(member, since) as number
  }

  /** Members who won vouchers (the game) and never used one: "played, never redeemed". */
  unredeemedWinners(): Set<string> {
    const rows = this.db
      .query(
        `SELECT DISTINCT member FROM vouchers_issued WHERE member IS NOT NULL AND channel IN ('kiosk', 'portal')
         EXCEPT
         SELECT v.member FROM redemptions r
           JOIN vouchers_issued v ON v.kid = r.kid AND v.campaign = r.campaign AND v.serial = r.serial
         WHERE r.voided_at IS NULL AND v.member IS NOT NULL`,
      )
      .pluck()
      .all() as string[]
    return new Set(rows)
  }

  /** The member's messages, newest first, with their personal vouchers. */
  inbox(member: string, limit = 50): InboxLine[] {
    return this.lines(member, null, limit)
  }

  /** One member's copy of one message. */
  recipient(message: string, member: string): InboxLine | null {
    return this.lines(member, message, 1)[0] ?? null
  }

  private lines(member: string, message: string | null, limit: number): InboxLine[] {
    const rows = this.db
      .query(
        `SELECT m.id, m.title, m.body, m.image IS NOT NULL AS hasImage, m.campaign, r.delivered_at AS deliveredAt,
                r.opened_at AS openedAt, r.voucher_kid AS kid, r.voucher_serial AS serial, v.expires_hour AS expiresHour
         FROM message_recipients r JOIN messages m ON m.id = r.message
         LEFT JOIN vouchers_issued v ON v.kid = r.voucher_kid AND v.campaign = m.campaign AND v.serial = r.voucher_serial
         WHERE r.member = ? AND (? IS NULL OR r.message = ?) ORDER BY r.delivered_at DESC LIMIT ?`,
      )
      .all(member, message, message, limit) as (Raw<InboxLine> & {
      kid: number | null
      serial: number | null
      expiresHour: number | null
    })[]
    return rows.map(({ kid, serial, expiresHour, ...r }) => ({
      ...parse<InboxLine>({ ...r, voucher: null }),
      voucher:
        kid !== null && serial !== null && expiresHour !== null && r.campaign !== null
          ? { kid, campaign: r.campaign, serial, expiresHour }
          : null,
    }))
  }

  unread(member: string): number {
    return this.db
      .query('SELECT count(*) FROM message_recipients WHERE member = ? AND opened_at IS NULL')
      .pluck()
      .get(member) as number
  }

  /** Webhook sends due now, oldest first. */
  dueSends(now: number, limit: number): { message: string; member: string; attempts: number; createdAt: number }[] {
    return this.db
      .query(
        `SELECT message, member, attempts, created_at AS createdAt FROM message_sends
         WHERE state = 'pending' AND next_at <= ? ORDER BY next_at LIMIT ?`,
      )
      .all(now, limit) as { message: string; member: string; attempts: number; createdAt: number }[]
  }

  /** When the next pending send is due (ms), if any. */
  nextSend(): number | null {
    return this.db.query("SELECT min(next_at) FROM message_sends WHERE state = 'pending'").pluck().get() as
      number | null
  }

  /** How a message's webhook sends stand, and the latest error. */
  sends(id: string): Sends {
    const counts = this.db
      .query('SELECT state, count(*) AS n FROM message_sends WHERE message = ? GROUP BY state')
      .all(id) as { state: keyof Omit<Sends, 'lastError'>; n: number }[]
    const s: Sends = { pending: 0, sent: 0, failed: 0, lastError: null }
    for (const c of counts) s[c.state] = c.n
    s.lastError = this.db
      .query(
        'SELECT last_error FROM message_sends WHERE message = ? AND last_error IS NOT NULL ORDER BY updated_at DESC LIMIT 1',
      )
      .pluck()
      .get(id) as string | null
    return s
  }
}
