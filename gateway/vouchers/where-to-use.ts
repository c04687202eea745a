/**
 * Where a voucher can be used, in names customers know (the phone page, the slip):
 * this store's name, "all <brand> stores" for this store's merchant, and "partner
 * stores" for stores and merchants this gateway has no name for — never an id.
 */
import type { Campaign } from './campaigns.js'
import type { Config } from '../../config/schema.js'
import type { BothLanguages } from '../../config/schema-parts.js'

export function whereToUse(
  c: Pick<Campaign, 'redeemableAt'>,
  own: Pick<Config['store'], 'id' | 'name' | 'merchant' | 'merchantName'>,
): BothLanguages[] {
  const { stores, merchants } = c.redeemableAt
  const lines: BothLanguages[] = []
  if (own.merchant !== undefined && merchants.includes(own.merchant))
    lines.push(
      own.merchantName
        ? { en: `All ${own.merchantName} stores`, zh: `${own.merchantName} 全部门店` }
        : { en: 'All our stores', zh: '本品牌全部门店' },
    )
  else if (stores.includes(own.id)) lines.push({ en: own.name, zh: own.name })
  if (stores.some((s) => s !== own.id) || merchants.some((m) => m !== own.merchant))
    lines.push({ en: 'Partner stores', zh: '合作门店' })
  return lines
}
