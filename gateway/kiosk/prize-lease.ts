/**
 * The prize lease: which prizes this store's kiosk may give, and how many of each. The
 * cloud pushes one (command prize-inventory: it sets the units left from now on, and
 * only a newer version replaces the old); until then the config's prizes are lease
 * version 0. Every prize must be a campaign this store can issue.
 */
import { Type, type Static } from '@sinclair/typebox'
import { PrizeSchema } from '../../config/kiosk-schema.js'
import { DocumentError, documentValidator, type Problem } from '../../config/problems.js'
import { issuableAt } from '../vouchers/campaigns.js'
import type { VoucherAuthority } from '../vouchers/voucher-authority.js'

export const PrizeLeaseSchema = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: 'Only a newer version replaces the lease in force' }),
    validTo: Type.Optional(
      Type.String({ minLength: 10, description: 'After this only the consolation prize is drawn' }),
    ),
    prizes: Type.Array(PrizeSchema, { maxItems: 64 }),
  },
  { additionalProperties: false },
)
export type PrizeLease = Static<typeof PrizeLeaseSchema>

const validateLease = documentValidator(PrizeLeaseSchema, 'prize lease')

/** Checks what the schema cannot: unique ids, known campaigns this store may issue. */
export function leaseProblems(
  prizes: { id: string; campaign: number }[],
  authority: VoucherAuthority,
  path: string,
): Problem[] {
  const problems: Problem[] = []
  prizes.forEach((p, i) => {
    if (prizes.findIndex((q) => q.id === p.id) !== i)
      problems.push({ path: `${path}[${i}].id`, message: `duplicate prize id "${p.id}"` })
    problems.push(...campaignProblems(p.campaign, authority, `${path}[${i}].campaign`))
  })
  return problems
}

export function campaignProblems(id: number, authority: VoucherAuthority, path: string): Problem[] {
  const c = authority.campaigns.get(id)
  if (!c) return [{ path, message: `campaign ${id} is not known at this store` }]
  if (!issuableAt(c, authority.store))
    return [{ path, message: `store ${authority.store.id} may not issue campaign ${id}` }]
  return []
}

export function parsePrizeLease(body: unknown, authority: VoucherAuthority): PrizeLease {
  const lease = validateLease(structuredClone(body))
  const validTo = lease.validTo === undefined ? null : Date.parse(lease.validTo)
  const problems = leaseProblems(lease.prizes, authority, 'prizes')
  if (validTo !== null && Number.isNaN(validTo)) problems.push({ path: 'validTo', message: 'is not a date-time' })
  if (problems.length > 0) throw new DocumentError('prize lease', problems)
  return lease
}
