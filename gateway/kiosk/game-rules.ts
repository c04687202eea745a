/**
 * The game's rules as customers must be able to read them before they play (prize
 * promotions disclose every prize, how many are left and the chance of each): the
 * prizes with the stock the lease leaves and today's odds exactly as the draw computes
 * them (each prize weighs its units left, the consolation its configured weight), and
 * the commit–reveal record — today's seed fingerprint, and past days' seeds revealed so
 * anyone can check every draw (gateway/store/tx/draw.ts).
 */
import type { Config } from '../../config/schema.js'
import type { Campaign } from '../vouchers/campaigns.js'
import type { VoucherAuthority } from '../vouchers/voucher-authority.js'
import type { KioskReads } from '../store/read/kiosk-reads.js'
import { CONSOLATION } from '../store/tx/draw.js'
import { localDay } from './local-day.js'

export interface RulesPrize {
  id: string
  name: Campaign['name']
  value: Campaign['value'] | null
  /** Units left under the lease; null for the consolation prize, which never runs out. */
  left: number | null
  /** The chance of winning it on the next play, 0–1. */
  chance: number
}

export interface GameRules {
  prizes: RulesPrize[]
  playsPerDay: number
  /** When the prize lease ends (ms); null: open-ended. */
  until: number | null
  today: { day: string; fingerprint: string | null }
  revealed: { day: string; fingerprint: string; seed: string; draws: number }[]
}

const REVEALED_DAYS = 7

export function gameRules(
  reads: KioskReads,
  authority: Pick<VoucherAuthority, 'campaigns'>,
  game: Config['kiosk']['game'],
  now = Date.now(),
): GameRules {
  const { lease, prizes } = reads.stock()
  const live = lease === null || lease.validTo === null || lease.validTo > now
  const inStock = live ? prizes.filter((p) => p.remaining > 0) : []
  const consolation = game.consolation ?? null
  const total = inStock.reduce((sum, p) => sum + p.remaining, 0) + (consolation?.weight ?? 0)
  const named = (campaign: number) => {
    const c = authority.campaigns.get(campaign)
    return { name: c?.name ?? { en: `Prize ${campaign}` }, value: c?.value ?? null }
  }
  const day = localDay(now)
  return {
    prizes: [
      ...inStock.map((p) => ({ id: p.id, ...named(p.campaign), left: p.remaining, chance: p.remaining / total })),
      ...(consolation
        ? [{ id: CONSOLATION, ...named(consolation.campaign), left: null, chance: consolation.weight / total }]
        : []),
    ],
    playsPerDay: game.playsPerMemberPerDay,
    until: live ? (lease?.validTo ?? null) : now,
    today: { day, fingerprint: reads.daySeed(day)?.commitment ?? null },
    revealed: reads.seedsBefore(day, REVEALED_DAYS).map((s) => ({
      day: s.day,
      fingerprint: s.commitment,
      seed: s.seed.toString('hex'),
      draws: s.draws,
    })),
  }
}
