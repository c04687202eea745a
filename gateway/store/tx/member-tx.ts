/** Member writes, run by the journal writer (see voucher-tx.ts for the rules). */
import type { TxContext } from './tx-context.js'
import { touchMember } from './member-profile.js'

export interface ConsentInput {
  kind: string
  version: string
  granted: boolean
}

export interface EnrolArgs {
  /** Proposed id, used only if the phone is new. */
  memberId: string
  phoneHash: string
  phoneEnc: string
  qrSecret: string
  consents: ConsentInput[]
  channel: string
  device: string | null
}

export interface EnrolResult {
  memberId: string
  created: boolean
}

export function enrolMemberTx(tx: TxContext, a: EnrolArgs): EnrolResult {
  // The UNIQUE phone_hash decides "new or existing" inside the statement, so two
  // screens enrolling the same phone at once still make one member.
  const inserted = tx
    .stmt(
      'INSERT INTO members (id, phone_hash, phone_enc, qr_secret, created_at, created_seq) VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT (phone_hash) DO NOTHING',
    )
    .run(a.memberId, a.phoneHash, a.phoneEnc, a.qrSecret, tx.now)
  const created = inserted.changes === 1
  const memberId = created
    ? a.memberId
    : (tx.stmt('SELECT id FROM members WHERE phone_hash = ?').pluck().get(a.phoneHash) as string)
  if (created) {
    const ev = tx.append('member.created', a.device, { memberId, channel: a.channel }, { outbox: true })
    tx.stmt('UPDATE members SET created_seq = ? WHERE id = ?').run(ev.seq, memberId)
  }
  recordConsents(tx, memberId, a.consents, a.channel, a.device)
  touchMember(tx, memberId) // enrolling, or giving the phone again, is a visit
  return { memberId, created }
}

/**
 * A member's answer changed outside enrolment (an unsubscribe link withdraws following the
 * store); only what changes is recorded. Returns how many answers changed.
 */
export function setConsentsTx(
  tx: TxContext,
  a: { memberId: string; consents: ConsentInput[]; channel: string },
): { changed: number } {
  if (!tx.stmt('SELECT 1 FROM members WHERE id = ? AND forgotten_at IS NULL').get(a.memberId)) return { changed: 0 }
  return { changed: recordConsents(tx, a.memberId, a.consents, a.channel, null) }
}

/** Records only what changes the current state, so re-submitting a form adds nothing. */
function recordConsents(
  tx: TxContext,
  memberId: string,
  consents: ConsentInput[],
  channel: string,
  device: string | null,
): number {
  let recorded = 0
  for (const c of consents) {
    const current = tx
      .stmt(
        'SELECT version, granted FROM member_consents WHERE member = ? AND kind = ? ORDER BY event_seq DESC LIMIT 1',
      )
      .get(memberId, c.kind) as { version: string; granted: number } | undefined
    if (current && current.version === c.version && current.granted === Number(c.granted)) continue
    const ev = tx.append(
      'member.consent',
      device,
      { memberId, kind: c.kind, version: c.version, granted: c.granted, channel },
      { outbox: true },
    )
    tx.stmt(
      'INSERT INTO member_consents (member, kind, version, granted, channel, time, event_seq) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(memberId, c.kind, c.version, Number(c.granted), channel, ev.time, ev.seq)
    recorded++
  }
  return recorded
}

export interface TagArgs {
  memberId: string
  tag: string
  add: boolean
  /** `admin:<user>`. */
  by: string
}

/** A manager's tag put on or taken off; only a change is journaled. */
export function tagMemberTx(tx: TxContext, a: TagArgs): { changed: boolean; known: boolean } {
  if (!tx.stmt('SELECT 1 FROM members WHERE id = ? AND forgotten_at IS NULL').get(a.memberId))
    return { changed: false, known: false }
  const changed = a.add
    ? tx
        .stmt('INSERT INTO member_tags (member, tag, time) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
        .run(a.memberId, a.tag, tx.now).changes === 1
    : tx.stmt('DELETE FROM member_tags WHERE member = ? AND tag = ?').run(a.memberId, a.tag).changes === 1
  if (changed)
    tx.append('member.tagged', null, { memberId: a.memberId, tag: a.tag, added: a.add, by: a.by }, { outbox: true })
  return { changed, known: true }
}
