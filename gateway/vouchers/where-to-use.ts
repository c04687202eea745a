/**
 * Where a voucher can be used, in names customers know (the phone page, the slip):
 * this store's name, "all <brand> stores" for this store's merchant, and "partner
 * stores" for stores and merchants this gateway has no name for — never an id.
 */
import type { Campaign } from './campaigns.js'
import type { Config } from '../../config/schema.js'
import { LANGS, type Localized } from '../../config/schema-parts.js'
import { localized } from '../i18n/messages.js'

export function whereToUse(
  c: Pick<Campaign, 'redeemableAt'>,
  own: Pick<Config['store'], 'id' | 'name' | 'merchant' | 'merchantName'>,
): Localized[] {
  const { stores, merchants } = c.redeemableAt
  const lines: Localized[] = []
  if (own.merchant !== undefined && merchants.includes(own.merchant))
    lines.push(own.merchantName ? localized('where.allOf', { merchant: own.merchantName }) : localized('where.allOurs'))
  else if (stores.includes(own.id)) lines.push(Object.fromEntries(LANGS.map((l) => [l, own.name])) as Localized)
  if (stores.some((s) => s !== own.id) || merchants.some((m) => m !== own.merchant))
    lines.push(localized('where.partners'))
  return lines
}
