/** Kiosk game reads: the prize lease and stock, plays, and the day's draw seed for the audit. */
import { PLAY_COLUMNS, type PlayRow } from '../tx/kiosk-tx.js'
import type { Weights } from '../tx/draw.js'
import type { ReadSource } from './read-source.js'

export interface PrizeStock {
  lease: { version: number; validTo: number | null; appliedAt: number } | null
  prizes: { id: string; campaign: number; granted: number; remaining: number }[]
}

export interface PlayListed {
  id: string
  draw: number
  kiosk: string | null
  prize: string
  campaign: number
  member: string | null
  time: number
}

export class KioskReads {
  constructor(private readonly db: ReadSource) {}

  stock(): PrizeStock {
    const lease =
      (this.db
        .query('SELECT version, valid_to AS validTo, applied_at AS appliedAt FROM prize_lease WHERE id = 1')
        .get() as PrizeStock['lease'] | undefined) ?? null
    const prizes = this.db
      .query('SELECT prize_id AS id, campaign, granted, remaining FROM prize_stock ORDER BY prize_id')
      .all() as PrizeStock['prizes']
    return { lease, prizes }
  }

  /** The campaigns the lease's prizes belong to. */
  stockCampaigns(): number[] {
    return this.db.query('SELECT DISTINCT campaign FROM prize_stock').pluck().all() as number[]
  }

  playsOn(memberId: string, day: string): number {
    return this.db
      .query('SELECT count(*) FROM kiosk_plays WHERE member = ? AND day = ?')
      .pluck()
      .get(memberId, day) as number
  }

  play(id: string): PlayRow | null {
    return (
      (this.db.query(`SELECT ${PLAY_COLUMNS} FROM kiosk_plays WHERE id = ?`).get(id) as PlayRow | undefined) ?? null
    )
  }

  /** The play that issued a voucher, if a kiosk here did. */
  playOfVoucher(
    kid: number,
    campaign: number,
    serial: number,
  ): { id: string; kiosk: string | null; time: number } | null {
    return (
      (this.db
        .query('SELECT id, kiosk, time FROM kiosk_plays WHERE kid = ? AND campaign = ? AND serial = ?')
        .get(kid, campaign, serial) as { id: string; kiosk: string | null; time: number } | undefined) ?? null
    )
  }

  /** Prizes won on a day, per prize. */
  wonOn(day: string): Record<string, number> {
    const rows = this.db
      .query('SELECT prize_id AS prize, count(*) AS n FROM kiosk_plays WHERE day = ? GROUP BY prize_id')
      .all(day) as { prize: string; n: number }[]
    return Object.fromEntries(rows.map((r) => [r.prize, r.n]))
  }

  /** A member's play ids, newest first. */
  memberPlayIds(memberId: string, limit: number): string[] {
    return this.db
      .query('SELECT id FROM kiosk_plays WHERE member = ? ORDER BY time DESC LIMIT ?')
      .pluck()
      .all(memberId, limit) as string[]
  }

  /** A day's plays, latest draw first. */
  playsOfDay(day: string, limit: number): PlayListed[] {
    return this.db
      .query(
        'SELECT id, draw, kiosk, prize_id AS prize, campaign, member, time FROM kiosk_plays WHERE day = ? ORDER BY draw DESC LIMIT ?',
      )
      .all(day, limit) as PlayListed[]
  }

  daySeed(day: string): { seed: Buffer; commitment: string; draws: number } | null {
    return (
      (this.db.query('SELECT seed, commitment, draws FROM draw_seeds WHERE day = ?').get(day) as
        { seed: Buffer; commitment: string; draws: number } | undefined) ?? null
    )
  }

  /** The seeds of the days before `day`, latest first: those days are over, so their seeds may be shown. */
  seedsBefore(day: string, limit: number): { day: string; seed: Buffer; commitment: string; draws: number }[] {
    return this.db
      .query('SELECT day, seed, commitment, draws FROM draw_seeds WHERE day < ? ORDER BY day DESC LIMIT ?')
      .all(day, limit) as { day: string; seed: Buffer; commitment: string; draws: number }[]
  }

  /** A day's draws in draw order, with the weights each was drawn over. */
  drawsOfDay(day: string): { id: string; draw: number; prize: string; weights: Weights }[] {
    const rows = this.db
      .query('SELECT id, draw, prize_id AS prize, weights FROM kiosk_plays WHERE day = ? ORDER BY draw')
      .all(day) as { id: string; draw: number; prize: string; weights: string }[]
    return rows.map((r) => ({ ...r, weights: JSON.parse(r.weights) as Weights }))
  }
}
