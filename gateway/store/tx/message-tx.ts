/**
 * Messages to followers, run by the journal writer (gateway/messages/ drives them). A
 * fan-out step checks each candidate here, inside the transaction that writes its
 * recipient row — their consent as it stands now, their weekly cap — and issues the
 * personal voucher in that same transaction, so a member never gets a message without its
 * voucher, nor two of either; the cursor moves with the rows.
 */
import { TxError, type TxContext } from './tx-context.js'
import { issueVoucherTx } from './voucher-tx.js'

const WEEK_MS = 7 * 86_400_000

export interface ComposeArgs {
  messageId: string
  title: Record<string, string>
  body: Record<string, string>
  image: { type: string; bytes: Uint8Array } | null
  campaign: number | null
  audience: string
  sendAt: number
  by: string
}

export function composeMessageTx(tx: TxContext, a: ComposeArgs): { messageId: string; seq: number } {
  const ev = tx.append(
    'message.composed',
    null,
    {
      messageId: a.messageId,
      audience: a.audience,
      campaign: a.campaign,
      sendAt: a.sendAt,
      languages: Object.keys(a.title),
      by: a.by,
    },
    { outbox: true },
  )
  tx.stmt(
    `INSERT INTO messages (id, title, body, image, image_type, campaign, audience, send_at, state, created_by,
       created_at, event_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?, ?)`,
  ).run(
    a.messageId,
    JSON.stringify(a.title),
    JSON.stringify(a.body),
    a.image ? Buffer.from(a.image.bytes) : null,
    a.image?.type ?? null,
    a.campaign,
    a.audience,
    a.sendAt,
    a.by,
    tx.now,
    ev.seq,
  )
  return { messageId: a.messageId, seq: ev.seq }
}

/** The voucher every recipient of an offer gets (the main thread checked the campaign may be issued here now). */
export interface OfferArgs {
  kid: number
  campaign: number
  maxPerMember: number | null
  expiresHour: number
  store: string
}

export interface FanOutArgs {
  messageId: string
  /** The cursor this step starts from: a step that finds another is not run (two runners, a replay). */
  from: string
  /** The last member id this step looked at; `done`: nobody after it. */
  through: string
  done: boolean
  /** Members after `from` up to `through` who are in the audience (segment), in id order. */
  candidates: string[]
  /** Consents a recipient must hold now (follow_store; marketing too for an offer). */
  consents: string[]
  walked: number
  maxPerWeek: number
  offer: OfferArgs | null
  /** A webhook is set up: each recipient also gets a pending send (the webhook outbox). */
  webhook?: boolean
}

export type FanOutResult =
  | { ok: true; delivered: { member: string; serial: number | null }[]; capped: number; state: 'sending' | 'sent' }
  | { ok: false; reason: 'moved' | 'not_sending' }

export function fanOutTx(tx: TxContext, a: FanOutArgs): FanOutResult {
  const m = tx.stmt('SELECT state, cursor FROM messages WHERE id = ?').get(a.messageId) as
    { state: string; cursor: string } | undefined
  if (!m) throw new TxError('unknown_message', `no message ${a.messageId}`)
  if (m.state !== 'sending' && m.state !== 'scheduled') return { ok: false, reason: 'not_sending' }
  if (m.cursor !== a.from) return { ok: false, reason: 'moved' }
  const delivered: { member: string; serial: number | null }[] = []
  let capped = 0
  for (const member of a.candidates) {
    if (!a.consents.every((kind) => consentHolds(tx, member, kind))) continue
    const recent = tx
      .stmt('SELECT count(*) FROM message_recipients WHERE member = ? AND delivered_at > ?')
      .pluck()
      .get(member, tx.now - WEEK_MS) as number
    if (recent >= a.maxPerWeek) {
      capped++
      continue
    }
    let serial: number | null = null
    if (a.offer) {
      const issued = issueVoucherTx(tx, {
        ...a.offer,
        member,
        channel: 'message',
        device: null,
        visit: false,
      })
      if (!issued.ok) continue // already holds all of this campaign's vouchers a member may
      serial = issued.serial
    }
    tx.stmt(
      `INSERT INTO message_recipients (member, message, delivered_at, voucher_kid, voucher_serial)
       VALUES (?, ?, ?, ?, ?)`,
    ).run(member, a.messageId, tx.now, serial === null ? null : a.offer!.kid, serial)
    if (a.webhook)
      tx.stmt(
        `INSERT INTO message_sends (message, member, state, next_at, created_at, updated_at)
         VALUES (?, ?, 'pending', ?, ?, ?)`,
      ).run(a.messageId, member, tx.now, tx.now, tx.now)
    delivered.push({ member, serial })
  }
  const state = a.done ? 'sent' : 'sending'
  tx.stmt(
    `UPDATE messages SET state = ?, cursor = ?, walked = walked + ?, delivered = delivered + ?, capped = capped + ?,
       finished_at = CASE WHEN ? = 'sent' THEN ? ELSE NULL END WHERE id = ?`,
  ).run(state, a.through, a.walked, delivered.length, capped, state, tx.now, a.messageId)
  tx.append('message.fanned_out', null, {
    messageId: a.messageId,
    through: a.through,
    walked: a.walked,
    delivered: delivered.length,
    capped,
  })
  if (a.done) {
    const totals = tx.stmt('SELECT delivered, capped FROM messages WHERE id = ?').get(a.messageId) as {
      delivered: number
      capped: number
    }
    tx.append('message.sent', null, { messageId: a.messageId, ...totals }, { outbox: true })
  }
  return { ok: true, delivered, capped, state }
}

export function cancelMessageTx(tx: TxContext, a: { messageId: string; by: string }): { ok: boolean; state: string } {
  const m = tx.stmt('SELECT state, delivered FROM messages WHERE id = ?').get(a.messageId) as
    { state: string; delivered: number } | undefined
  if (!m) throw new TxError('unknown_message', `no message ${a.messageId}`)
  if (m.state !== 'scheduled' && m.state !== 'sending') return { ok: false, state: m.state }
  tx.stmt("UPDATE messages SET state = 'cancelled', finished_at = ? WHERE id = ?").run(tx.now, a.messageId)
  tx.append('message.cancelled', null, { messageId: a.messageId, delivered: m.delivered, by: a.by }, { outbox: true })
  return { ok: true, state: 'cancelled' }
}

/** A member opened a message: the first time is recorded (and journaled), later ones change nothing. */
export function openMessageTx(tx: TxContext, a: { messageId: string; memberId: string }): { first: boolean } {
  const r = tx
    .stmt('UPDATE message_recipients SET opened_at = ? WHERE member = ? AND message = ? AND opened_at IS NULL')
    .run(tx.now, a.memberId, a.messageId)
  if (r.changes === 0) return { first: false }
  tx.stmt('UPDATE messages SET opened = opened + 1 WHERE id = ?').run(a.messageId)
  tx.append('message.opened', null, { messageId: a.messageId, memberId: a.memberId }, { outbox: true })
  return { first: true }
}

/** Whether the member's latest answer for a consent kind is yes. */
function consentHolds(tx: TxContext, member: string, kind: string): boolean {
  const granted = tx
    .stmt('SELECT granted FROM member_consents WHERE member = ? AND kind = ? ORDER BY event_seq DESC LIMIT 1')
    .pluck()
    .get(member, kind) as number | undefined
  return granted === 1
}

/** What became of one webhook POST: sent (2xx), or tried again at `nextAt`, or given up. */
export function sendResultTx(
  tx: TxContext,
  a: { messageId: string; memberId: string; ok: boolean; error: string | null; nextAt: number | null },
): { state: 'sent' | 'pending' | 'failed' } {
  const state = a.ok ? 'sent' : a.nextAt === null ? 'failed' : 'pending'
  const r = tx
    .stmt(
      `UPDATE message_sends SET state = ?, attempts = attempts + 1, next_at = coalesce(?, next_at), last_error = ?,
         updated_at = ? WHERE message = ? AND member = ? AND state = 'pending'`,
    )
    .run(state, a.nextAt, a.error, tx.now, a.messageId, a.memberId)
  if (r.changes === 1 && state === 'failed')
    tx.append(
      'message.send_failed',
      null,
      { messageId: a.messageId, memberId: a.memberId, error: a.error ?? '' },
      { outbox: true },
    )
  return { state }
}
