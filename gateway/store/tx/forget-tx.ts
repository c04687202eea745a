/**
 * Forgetting a member, in one transaction with its event: what identifies them (the phone's
 * keyed hash and sealed copy), their consents and their profile are removed; their QR stops
 * working. The member id stays: events and the card ledger (money records the law requires
 * us to keep) refer to it, and without the phone it names nobody. A card with money on it
 * is not forgotten: the money is the member's.
 */
import type { TxContext } from './tx-context.js'

export interface ForgetArgs {
  memberId: string
  reason: 'request' | 'retention'
  /** Who asked: `member`, `admin:<user>`, `retention`. */
  by: string
  /** A fresh random QR secret: codes made with the old one no longer verify. */
  qrSecret: string
}

export type ForgetResult = { ok: true; seq: number } | { ok: false; reason: 'unknown_member' | 'card_not_empty' }

export function forgetMemberTx(tx: TxContext, a: ForgetArgs): ForgetResult {
  const known = tx.stmt('SELECT 1 FROM members WHERE id = ? AND forgotten_at IS NULL').get(a.memberId)
  if (!known) return { ok: false, reason: 'unknown_member' }
  const held = tx.stmt('SELECT principal + bonus FROM cards WHERE member = ?').pluck().get(a.memberId) as
    number | undefined
  if ((held ?? 0) > 0) return { ok: false, reason: 'card_not_empty' }
  const ev = tx.append('member.forgotten', null, { memberId: a.memberId, reason: a.reason, by: a.by }, { outbox: true })
  tx.stmt(
    `UPDATE members SET phone_hash = 'forgotten:' || id, phone_enc = '', qr_secret = ?, forgotten_at = ? WHERE id = ?`,
  ).run(a.qrSecret, ev.time, a.memberId)
  tx.stmt('DELETE FROM member_consents WHERE member = ?').run(a.memberId)
  tx.stmt('DELETE FROM member_tags WHERE member = ?').run(a.memberId)
  tx.stmt('DELETE FROM member_profiles WHERE member = ?').run(a.memberId)
  tx.stmt('DELETE FROM member_months WHERE member = ?').run(a.memberId)
  return { ok: true, seq: ev.seq }
}
