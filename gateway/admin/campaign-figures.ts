/**
 * Campaigns and prizes as the manager reads them: per campaign, vouchers issued here,
 * used here, expired unused, the share used and what they were worth; per prize, what
 * is left and when it runs out at today's pace; and the draw's fairness — today's
 * commitment, and for past days every draw re-run against it (KioskAudit).
 */
import type { Campaign } from '../vouchers/campaigns.js'
import { hourFromMs } from '../vouchers/voucher-code.js'
import type { KioskAudit } from '../kiosk/kiosk-audit.js'
import { localDay, localMidnight } from '../kiosk/local-day.js'
import { KioskReads } from '../store/read/kiosk-reads.js'
import type { ReadSource } from '../store/read/read-source.js'
import type { RollupReads } from '../store/read/rollup-reads.js'
import { VoucherReads } from '../store/read/voucher-reads.js'
import { HOUR_MS } from '../store/rollups.js'
import { AllTimeTotals } from './all-time.js'

export interface CampaignRow {
  campaign: Campaign
  issued: number
  used: number
  expired: number
  /** used / issued here; null when none were issued here (a partner's campaign). */
  rate: number | null
  /** What the uses were worth, minor units (0 for item vouchers). */
  value: number
}

export interface PrizeRow {
  id: string
  campaign: number
  granted: number
  remaining: number
  wonToday: number
  /** When the stock runs out at today's pace; null when nothing was won today (or none is left). */
  runsOutAt: number | null
}

export interface DayCheck {
  day: string
  draws: number
  verified: number
  /** Draws that did not re-run to the prize given: should always be 0. */
  mismatched: number
}

export class CampaignFigures {
  private readonly vouchers: VoucherReads
  private readonly kiosk: KioskReads
  private readonly allTime: AllTimeTotals
  private pastExpired: { before: number; counts: Record<number, number> } | null = null

  constructor(
    source: ReadSource,
    rollups: RollupReads,
    private readonly audit: KioskAudit,
  ) {
    this.vouchers = new VoucherReads(source)
    this.kiosk = new KioskReads(source)
    this.allTime = new AllTimeTotals(rollups)
  }

  campaigns(list: readonly Campaign[], now = Date.now()): CampaignRow[] {
    const issued = new Map<number, number>()
    const used = new Map<number, { n: number; value: number }>()
    for (const r of this.allTime.get(now)) {
      const campaign = Number(r.key.split(':')[0])
      if (r.metric === 'issued') issued.set(campaign, (issued.get(campaign) ?? 0) + r.count)
      if (r.metric === 'redeemed') {
        const u = used.get(campaign) ?? { n: 0, value: 0 }
        used.set(campaign, { n: u.n + r.count, value: u.value + r.amount })
      }
    }
    const expired = this.expired(now)
    return list.map((campaign) => {
      const i = issued.get(campaign.id) ?? 0
      const u = used.get(campaign.id) ?? { n: 0, value: 0 }
      return {
        campaign,
        issued: i,
        used: u.n,
        expired: expired[campaign.id] ?? 0,
        rate: i > 0 ? Math.min(1, u.n / i) : null,
        value: u.value,
      }
    })
  }

  /**
   * Expired unused per campaign. A voucher that expired before today can never be used, so
   * that part is counted once a day (it reads every voucher); today's expiries are read
   * live through the expiry index.
   */
  private expired(now: number): Record<number, number> {
    const cut = hourFromMs(localMidnight(now))
    if (this.pastExpired?.before !== cut)
      this.pastExpired = { before: cut, counts: this.vouchers.expiredUnused(0, cut) }
    const counts = { ...this.pastExpired.counts }
    for (const [c, n] of Object.entries(this.vouchers.expiredUnused(cut, hourFromMs(now))))
      counts[Number(c)] = (counts[Number(c)] ?? 0) + n
    return counts
  }

  prizes(now = Date.now()): PrizeRow[] {
    const won = this.kiosk.wonOn(localDay(now))
    const midnight = localMidnight(now)
    const elapsed = Math.max(HOUR_MS / 4, now - midnight) // a quarter hour at least: no wild pace at 00:01
    return this.audit.stock().prizes.map((p) => {
      const wonToday = won[p.id] ?? 0
      const perMs = wonToday / elapsed
      return {
        ...p,
        wonToday,
        runsOutAt: perMs > 0 && p.remaining > 0 ? Math.round(now + p.remaining / perMs) : null,
      }
    })
  }

  /** Today's commitment (the hash fixed before the first draw), and the last `days` days re-verified. */
  fairness(days: number, now = Date.now()): { today: string | null; past: DayCheck[] } {
    const today = localDay(now)
    const past = this.kiosk.seedsBefore(today, days).map((s) => {
      const a = this.audit.audit(s.day, now)
      const verified = a.plays.filter((p) => p.verified === true).length
      return { day: s.day, draws: a.plays.length, verified, mismatched: a.plays.length - verified }
    })
    return { today: this.kiosk.daySeed(today)?.commitment ?? null, past }
  }
}
