/**
 * What the admin sees of the game (/api/kiosk/admin/*): prizes left under the lease,
 * plays, and the day's commit–reveal audit. A day's seed is revealed only once the day
 * is over, so nobody can compute the draws still to come; from then on every draw of
 * that day can be re-run against the hash journaled before the first one.
 */
import type { Journal } from '../store/journal.js'
import { verifyDraw, type Weights } from './draw.js'
import { localDay } from './local-day.js'

export interface PrizeStock {
  lease: { version: number; validTo: number | null; appliedAt: number } | null
  prizes: { id: string; campaign: number; granted: number; remaining: number }[]
}

export interface DayAudit {
  day: string
  commitment: string | null
  draws: number
  /** Hex; null until the day is over. */
  seed: string | null
  plays: { id: string; draw: number; prize: string; weights: Weights; verified: boolean | null }[]
}

export class KioskAudit {
  constructor(private readonly journal: Journal) {}

  stock(): PrizeStock {
    const lease =
      (this.journal
        .query('SELECT version, valid_to AS validTo, applied_at AS appliedAt FROM prize_lease WHERE id = 1')
        .get() as PrizeStock['lease'] | undefined) ?? null
    const prizes = this.journal
      .query('SELECT prize_id AS id, campaign, granted, remaining FROM prize_stock ORDER BY prize_id')
      .all() as PrizeStock['prizes']
    return { lease, prizes }
  }

  plays(
    day: string,
    limit = 200,
  ): {
    id: string
    draw: number
    kiosk: string | null
    prize: string
    campaign: number
    member: boolean
    time: number
  }[] {
    const rows = this.journal
      .query(
        'SELECT id, draw, kiosk, prize_id AS prize, campaign, member, time FROM kiosk_plays WHERE day = ? ORDER BY draw DESC LIMIT ?',
      )
      .all(day, limit) as {
      id: string
      draw: number
      kiosk: string | null
      prize: string
      campaign: number
      member: string | null
      time: number
    }[]
    // Member ids stay out of the admin list: whether a member played is enough here.
    return rows.map((r) => ({ ...r, member: r.member !== null }))
  }

  audit(day: string, now = Date.now()): DayAudit {
    const row = this.journal.query('SELECT seed, commitment, draws FROM draw_seeds WHERE day = ?').get(day) as
      { seed: Buffer; commitment: string; draws: number } | undefined
    const revealed = row && day < localDay(now) ? row.seed : null
    const plays = (
      this.journal
        .query('SELECT id, draw, prize_id AS prize, weights FROM kiosk_plays WHERE day = ? ORDER BY draw')
        .all(day) as { id: string; draw: number; prize: string; weights: string }[]
    ).map((p) => {
      const weights = JSON.parse(p.weights) as Weights
      return {
        id: p.id,
        draw: p.draw,
        prize: p.prize,
        weights,
        verified: revealed
          ? verifyDraw(revealed, row!.commitment, { day, draw: p.draw, weights, prizeId: p.prize })
          : null,
      }
    })
    return {
      day,
      commitment: row?.commitment ?? null,
      draws: row?.draws ?? 0,
      seed: revealed ? revealed.toString('hex') : null,
      plays,
    }
  }
}
