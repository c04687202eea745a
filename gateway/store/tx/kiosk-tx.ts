/**
 * The kiosk game's writes: a play (draw, stock, voucher issue, journal) in one
 * transaction, and replacing the prize lease. A play is keyed by the kiosk's request id,
 * so a double tap or a reload mid-game gets the same play back, never a second one.
 */
import { randomBytes } from 'node:crypto'
import { CONSOLATION, commitmentOf, drawFraction, pickPrize, type Weights } from './draw.js'
import { TxError, type TxContext } from './tx-context.js'
import { issueVoucherTx } from './voucher-tx.js'
import { touchMember } from './member-profile.js'

export interface PlayArgs {
  playId: string
  day: string
  kiosk: string | null
  member: string | null
  playsPerDay: number
  consolation: { campaign: number; weight: number } | null
  kid: number
  store: string
  /** Each candidate campaign's voucher expiry (hours since 2020), computed by the caller. */
  expiresHour: Record<number, number>
}

export interface PlayRow {
  id: string
  day: string
  draw: number
  kiosk: string | null
  member: string | null
  prizeId: string
  campaign: number
  kid: number
  serial: number
  expiresHour: number
  time: number
  seq: number
}

export type PlayResult =
  | { ok: true; repeat: boolean; play: PlayRow }
  | { ok: false; reason: 'daily_limit'; plays: number }
  | { ok: false; reason: 'nothing_to_win' }

export const PLAY_COLUMNS =
  'id, day, draw, kiosk, member, prize_id AS prizeId, campaign, kid, serial, expires_hour AS expiresHour, time, event_seq AS seq'

export function kioskPlayTx(tx: TxContext, a: PlayArgs): PlayResult {
  const prior = tx.stmt(`SELECT ${PLAY_COLUMNS} FROM kiosk_plays WHERE id = ?`).get(a.playId) as PlayRow | undefined
  if (prior) return { ok: true, repeat: true, play: prior }
  if (a.member !== null) {
    const plays = tx
      .stmt('SELECT count(*) FROM kiosk_plays WHERE member = ? AND day = ?')
      .pluck()
      .get(a.member, a.day) as number
    if (plays >= a.playsPerDay) return { ok: false, reason: 'daily_limit', plays }
  }
  const validTo = tx.stmt('SELECT valid_to FROM prize_lease WHERE id = 1').pluck().get() as number | null | undefined
  const leaseLive = validTo === null || validTo === undefined || validTo > tx.now
  const stock = leaseLive
    ? (tx
        .stmt('SELECT prize_id AS id, campaign, remaining FROM prize_stock WHERE remaining > 0 ORDER BY prize_id')
        .all() as { id: string; campaign: number; remaining: number }[])
    : []
  const weights: Weights = stock.map((p) => [p.id, p.remaining])
  if (a.consolation) weights.push([CONSOLATION, a.consolation.weight])
  if (weights.length === 0) return { ok: false, reason: 'nothing_to_win' }

  const seed = daySeed(tx, a.day)
  const draw = tx
    .stmt('UPDATE draw_seeds SET draws = draws + 1 WHERE day = ? RETURNING draws')
    .pluck()
    .get(a.day) as number
  const prizeId = pickPrize(weights, drawFraction(seed, a.day, draw))
  const campaign = prizeId === CONSOLATION ? a.consolation!.campaign : stock.find((p) => p.id === prizeId)!.campaign
  if (
    prizeId !== CONSOLATION &&
    tx.stmt('UPDATE prize_stock SET remaining = remaining - 1 WHERE prize_id = ? AND remaining > 0').run(prizeId)
      .changes !== 1
  ) {
    throw new TxError('stock_changed', `prize ${prizeId} ran out inside the draw`) // cannot happen in one transaction; guard anyway
  }
  const expiresHour = a.expiresHour[campaign]
  if (expiresHour === undefined) throw new TxError('no_expiry', `no expiry given for campaign ${campaign}`)
  // The game's own daily limit governs kiosk vouchers, not the campaign's per-member cap.
  const issued = issueVoucherTx(tx, {
    kid: a.kid,
    campaign,
    member: a.member,
    maxPerMember: null,
    expiresHour,
    channel: 'kiosk',
    device: a.kiosk,
    store: a.store,
  })
  if (!issued.ok) throw new TxError('issue_failed', 'voucher not issued')
  const ev = tx.append(
    'kiosk.played',
    a.kiosk,
    {
      playId: a.playId,
      day: a.day,
      draw,
      prize: prizeId,
      campaign,
      serial: issued.serial,
      kid: a.kid,
      member: a.member,
      weights,
    },
    { outbox: true },
  )
  tx.stmt(
    `INSERT INTO kiosk_plays (id, day, draw, kiosk, member, prize_id, campaign, kid, serial, expires_hour, weights, time, event_seq)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    a.playId,
    a.day,
    draw,
    a.kiosk,
    a.member,
    prizeId,
    campaign,
    a.kid,
    issued.serial,
    expiresHour,
    JSON.stringify(weights),
    ev.time,
    ev.seq,
  )
  if (a.member !== null) touchMember(tx, a.member, { plays: 1 })
  return {
    ok: true,
    repeat: false,
    play: {
      id: a.playId,
      day: a.day,
      draw,
      kiosk: a.kiosk,
      member: a.member,
      prizeId,
      campaign,
      kid: a.kid,
      serial: issued.serial,
      expiresHour,
      time: ev.time,
      seq: ev.seq,
    },
  }
}

/** The day's seed, made (and its hash journaled for the cloud) on the day's first draw. */
function daySeed(tx: TxContext, day: string): Buffer {
  const existing = tx.stmt('SELECT seed FROM draw_seeds WHERE day = ?').pluck().get(day) as Buffer | undefined
  if (existing) return existing
  const seed = randomBytes(32)
  const commitment = commitmentOf(seed)
  tx.stmt('INSERT INTO draw_seeds (day, seed, commitment) VALUES (?, ?, ?)').run(day, seed, commitment)
  tx.append('kiosk.seed_committed', null, { day, commitment }, { outbox: true })
  return seed
}

export interface LeaseArgs {
  /** 0 = the config's prizes, which replace an earlier version 0 (the store edited its config) but never a cloud lease. */
  version: number
  validTo: number | null
  prizes: { id: string; campaign: number; stock: number }[]
}

export type LeaseResult = { applied: true } | { applied: false; reason: 'stale_version'; current: number | undefined }

/** Replaces the prize lease whole when `version` is newer: the stock left is what the lease grants from now on. */
export function prizeLeaseTx(tx: TxContext, a: LeaseArgs): LeaseResult {
  const current = tx.stmt('SELECT version FROM prize_lease WHERE id = 1').pluck().get() as number | undefined
  const stale = a.version === 0 ? current !== undefined && current > 0 : current !== undefined && a.version <= current
  if (stale) return { applied: false, reason: 'stale_version', current }
  tx.stmt(
    'INSERT INTO prize_lease (id, version, valid_to, applied_at) VALUES (1, ?, ?, ?) ON CONFLICT DO UPDATE SET version = excluded.version, valid_to = excluded.valid_to, applied_at = excluded.applied_at',
  ).run(a.version, a.validTo, tx.now)
  tx.stmt('DELETE FROM prize_stock').run()
  const insert = tx.stmt('INSERT INTO prize_stock (prize_id, campaign, granted, remaining) VALUES (?, ?, ?, ?)')
  for (const p of a.prizes) insert.run(p.id, p.campaign, p.stock, p.stock)
  tx.append('kiosk.lease_applied', null, { version: a.version, validTo: a.validTo, prizes: a.prizes }, { outbox: true })
  return { applied: true }
}
