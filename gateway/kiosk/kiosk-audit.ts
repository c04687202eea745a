/**
 * What the admin sees of the game (/api/kiosk/admin/*): prizes left under the lease,
 * plays, and the day's commit–reveal audit. A day's seed is revealed only once the day
 * is over, so nobody can compute the draws still to come; from then on every draw of
 * that day can be re-run against the hash journaled before the first one.
 */
import { verifyDraw, type Weights } from '../store/tx/draw.js'
import { KioskReads, type PlayListed, type PrizeStock } from '../store/read/kiosk-reads.js'
import type { ReadSource } from '../store/read/read-source.js'
import { localDay } from './local-day.js'

export type { PrizeStock }

export interface DayAudit {
  day: string
  commitment: string | null
  draws: number
  /** Hex; null until the day is over. */
  seed: string | null
  plays: { id: string; draw: number; prize: string; weights: Weights; verified: boolean | null }[]
}

export class KioskAudit {
  private readonly reads: KioskReads

  constructor(source: ReadSource) {
    this.reads = new KioskReads(source)
  }

  stock(): PrizeStock {
    return this.reads.stock()
  }

  plays(day: string, limit = 200): (Omit<PlayListed, 'member'> & { member: boolean })[] {
    // Member ids stay out of the admin list: whether a member played is enough here.
    return this.reads.playsOfDay(day, limit).map((r) => ({ ...r, member: r.member !== null }))
  }

  audit(day: string, now = Date.now()): DayAudit {
    const row = this.reads.daySeed(day)
    const revealed = row && day < localDay(now) ? row.seed : null
    const plays = this.reads.drawsOfDay(day).map((p) => ({
      ...p,
      verified: revealed
        ? verifyDraw(revealed, row!.commitment, { day, draw: p.draw, weights: p.weights, prizeId: p.prize })
        : null,
    }))
    return {
      day,
      commitment: row?.commitment ?? null,
      draws: row?.draws ?? 0,
      seed: revealed ? revealed.toString('hex') : null,
      plays,
    }
  }
}
