/**
 * The online check's rule, the same over SQLite and PostgreSQL: each other store counts as
 * what has arrived from it or what it was told yes for (an unexpired claim), whichever is
 * more; the asking store as what has arrived from it or what it says it has used
 * (`localUses`: its own redemptions may still be on their way), whichever is more. Yes
 * while that leaves a use — then the asking store's claim becomes its count plus this use.
 */
import type { ClaimResult } from './cloud-db.js'

export type ClaimDecision = ClaimResult & { claimUses?: number }

export function decideClaim(
  store: string,
  used: { store: string; time: number }[],
  claims: Map<string, number>,
  maxUses: number,
  localUses: number,
): ClaimDecision {
  const arrived = new Map<string, number>()
  for (const u of used) arrived.set(u.store, (arrived.get(u.store) ?? 0) + 1)
  let others = 0
  for (const other of new Set([...arrived.keys(), ...claims.keys()])) {
    if (other !== store) others += Math.max(arrived.get(other) ?? 0, claims.get(other) ?? 0)
  }
  const own = Math.max(arrived.get(store) ?? 0, localUses)
  if (others + own < maxUses) return { ok: true, allowedUses: maxUses - others, claimUses: own + 1 }
  const pending = [...claims]
    .filter(([c, n]) => c !== store && n > (arrived.get(c) ?? 0))
    .map(([c]) => `being redeemed at ${c}`)
  const mine = localUses > (arrived.get(store) ?? 0) ? [`${localUses} use(s) here`] : []
  const where = [...used.map((u) => `redeemed at ${u.store} ${new Date(u.time).toISOString()}`), ...pending, ...mine]
  return { ok: false, detail: `${where.join('; ')} (uses allowed: ${maxUses})` }
}
