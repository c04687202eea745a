/**
 * Voucher writes, run by the journal writer inside one transaction each: table rows,
 * journal events and outbox rows commit together or not at all. Every decision that
 * depends on stored state is a conditional statement whose row count is checked —
 * never a SELECT followed by a write (the check-then-act race that double-redeemed
 * vouchers in Vendure and eventyay).
 */
import { TxError, type TxContext } from './tx-context.js'
import { touchMember, untouchRedemption, voucherMember } from './member-profile.js'
import { countMessageRedemption } from './message-attribution.js'

const MAX_SERIAL = 0xffffff

export interface IssueArgs {
  kid: number
  campaign: number
  member: string | null
  maxPerMember: number | null
  expiresHour: number
  channel: string
  device: string | null
  store: string
  /** False for a voucher sent to the member (a message's offer): it is not a visit, nothing was won. */
  visit?: boolean
}
export type IssueResult =
  { ok: true; serial: number; eventId: string; seq: number } | { ok: false; reason: 'member_limit'; issued: number }

export function issueVoucherTx(tx: TxContext, a: IssueArgs): IssueResult {
  if (a.member !== null && a.maxPerMember !== null) {
    const issued = tx
      .stmt('SELECT count(*) FROM vouchers_issued WHERE campaign = ? AND member = ?')
      .pluck()
      .get(a.campaign, a.member) as number
    if (issued >= a.maxPerMember) return { ok: false, reason: 'member_limit', issued }
  }
  const serial = tx
    .stmt(
      `INSERT INTO voucher_serials (kid, campaign, last_serial) VALUES (?, ?, 1)
       ON CONFLICT (kid, campaign) DO UPDATE SET last_serial = last_serial + 1 RETURNING last_serial`,
    )
    .pluck()
    .get(a.kid, a.campaign) as number
  if (serial > MAX_SERIAL)
    throw new TxError('serials_exhausted', `campaign ${a.campaign} has used all ${MAX_SERIAL} serials of key ${a.kid}`)
  const ev = tx.append(
    'voucher.issued',
    a.device,
    {
      kid: a.kid,
      campaign: a.campaign,
      serial,
      member: a.member,
      expiresHour: a.expiresHour,
      channel: a.channel,
      store: a.store,
    },
    { outbox: true },
  )
  tx.stmt(
    `INSERT INTO vouchers_issued (kid, campaign, serial, member, expires_hour, channel, device, issued_at, event_seq)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(a.kid, a.campaign, serial, a.member, a.expiresHour, a.channel, a.device, ev.time, ev.seq)
  if (a.member !== null && a.visit !== false) touchMember(tx, a.member, { won: 1 })
  return { ok: true, serial, eventId: ev.id, seq: ev.seq }
}

export interface RedeemArgs {
  voucherKey: string
  kid: number
  campaign: number
  serial: number
  maxUses: number
  /**
   * Uses this store may reach, when lower than maxUses: what the cloud's online check
   * left for it after other stores' uses and claims (issue #13: local + remote ≤ maxUses).
   */
  limit?: number
  store: string
  device: string | null
  cashier: string | null
  /** What the event records about the voucher and the context (value, issuing store, scan id, sale). */
  details: Record<string, unknown>
}

export interface PreviousRedemption {
  redemptionId: string
  time: number
  store: string
  device: string | null
  cashier: string | null
}

export type RedeemResult =
  | { ok: true; redemptionId: string; seq: number; time: number; use: number; maxUses: number }
  | { ok: false; reason: 'already_redeemed'; previous: PreviousRedemption | null; seq: number; time: number }

export function redeemVoucherTx(tx: TxContext, a: RedeemArgs): RedeemResult {
  tx.stmt('INSERT INTO voucher_uses (voucher_key, uses) VALUES (?, 0) ON CONFLICT DO NOTHING').run(a.voucherKey)
  const taken = tx
    .stmt('UPDATE voucher_uses SET uses = uses + 1 WHERE voucher_key = ? AND uses < ? RETURNING uses')
    .pluck()
    .get(a.voucherKey, Math.min(a.maxUses, a.limit ?? a.maxUses)) as number | undefined
  const voucher = { voucherKey: a.voucherKey, kid: a.kid, campaign: a.campaign, serial: a.serial }
  if (taken === undefined) {
    const previous = (tx
      .stmt(
        `SELECT id AS redemptionId, time, store, device, cashier FROM redemptions
         WHERE voucher_key = ? AND voided_at IS NULL ORDER BY time DESC LIMIT 1`,
      )
      .get(a.voucherKey) ?? null) as PreviousRedemption | null
    const ev = tx.append('voucher.rejected', a.device, {
      reason: 'already_redeemed',
      ...voucher,
      previous,
      cashier: a.cashier,
      ...a.details,
    })
    return { ok: false, reason: 'already_redeemed', previous, seq: ev.seq, time: ev.time }
  }
  const ev = tx.append(
    'voucher.redeemed',
    a.device,
    { ...voucher, use: taken, maxUses: a.maxUses, store: a.store, cashier: a.cashier, ...a.details },
    { outbox: true },
  )
  tx.stmt(
    `INSERT INTO redemptions (id, voucher_key, kid, campaign, serial, store, device, cashier, time, event_seq)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(ev.id, a.voucherKey, a.kid, a.campaign, a.serial, a.store, a.device, a.cashier, ev.time, ev.seq)
  const member = voucherMember(tx, a.kid, a.campaign, a.serial)
  if (member !== null) touchMember(tx, member, { redeemed: 1 })
  countMessageRedemption(tx, a, 1)
  return { ok: true, redemptionId: ev.id, seq: ev.seq, time: ev.time, use: taken, maxUses: a.maxUses }
}

export interface VoidArgs {
  redemptionId: string
  cashier: string
  windowMs: number
  reason: string | null
  device: string | null
}

export type VoidRefusal = 'not_found' | 'already_voided' | 'void_window_passed'
export type VoidResult =
  | { ok: true; seq: number; time: number; voucherKey: string }
  | { ok: false; reason: VoidRefusal; seq: number; redeemedAt: number | null }

interface RedemptionRow {
  voucher_key: string
  kid: number
  campaign: number
  serial: number
  time: number
  voided_at: number | null
}

export function voidRedemptionTx(tx: TxContext, a: VoidArgs): VoidResult {
  const r = tx
    .stmt('SELECT voucher_key, kid, campaign, serial, time, voided_at FROM redemptions WHERE id = ?')
    .get(a.redemptionId) as RedemptionRow | undefined
  const refusal: VoidRefusal | null = !r
    ? 'not_found'
    : r.voided_at !== null
      ? 'already_voided'
      : tx.now - r.time > a.windowMs
        ? 'void_window_passed'
        : null
  if (refusal !== null) {
    // A refused void is still a cashier action worth keeping (and auditing).
    const ev = tx.append('voucher.void_refused', a.device, {
      redemptionId: a.redemptionId,
      reason: refusal,
      cashier: a.cashier,
    })
    return { ok: false, reason: refusal, seq: ev.seq, redeemedAt: r?.time ?? null }
  }
  const ev = tx.append(
    'voucher.voided',
    a.device,
    {
      redemptionId: a.redemptionId,
      voucherKey: r!.voucher_key,
      cashier: a.cashier,
      reason: a.reason,
      redeemedAt: r!.time,
    },
    { outbox: true },
  )
  const voided = tx
    .stmt('UPDATE redemptions SET voided_at = ?, voided_by = ?, void_seq = ? WHERE id = ? AND voided_at IS NULL')
    .run(ev.time, a.cashier, ev.seq, a.redemptionId)
  if (voided.changes !== 1) throw new TxError('void_race', `redemption ${a.redemptionId} changed while voiding`)
  const released = tx
    .stmt('UPDATE voucher_uses SET uses = uses - 1 WHERE voucher_key = ? AND uses > 0')
    .run(r!.voucher_key)
  if (released.changes !== 1) throw new TxError('use_count_mismatch', `no use to release for ${r!.voucher_key}`)
  const member = voucherMember(tx, r!.kid, r!.campaign, r!.serial)
  if (member !== null) untouchRedemption(tx, member)
  countMessageRedemption(tx, r!, -1)
  return { ok: true, seq: ev.seq, time: ev.time, voucherKey: r!.voucher_key }
}
