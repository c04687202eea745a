/** Top-up bonus tiers ("top up ¥100, get ¥20"): the highest tier the amount reaches applies. */
export interface BonusTier {
  from: number
  bonus: number
}

export function bonusFor(tiers: readonly BonusTier[], amount: number): number {
  let best: BonusTier | null = null
  for (const t of tiers) if (amount >= t.from && (!best || t.from > best.from)) best = t
  return best?.bonus ?? 0
}
