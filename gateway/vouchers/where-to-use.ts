/**
 * Where a voucher can be used, in names customers know (the phone page, the slip):
 * this store's name, "all <brand> stores" for a merchant, other stores by the names the
 * trust list gives them, and "partner stores" for the rest — never an id.
 */
import type { Campaign } from './campaigns.js'
import type { Config } from '../../config/schema.js'
import { eachLang, type Localized } from '../../config/schema-parts.js'
import { localized } from '../i18n/messages.js'

/** Names of other stores and merchants (the trust list's, VoucherAuthority.names()). */
export interface KnownNames {
  store(id: string): string | undefined
  merchant(id: string): string | undefined
}

const NO_NAMES: KnownNames = { store: () => undefined, merchant: () => undefined }
/** More named places than this and the rest are "partner stores": a slip is not a directory. */
const MAX_NAMED = 4

export function whereToUse(
  c: Pick<Campaign, 'redeemableAt'>,
  own: Pick<Config['store'], 'id' | 'name' | 'merchant' | 'merchantName'>,
  names: KnownNames = NO_NAMES,
): Localized[] {
  const { stores, merchants } = c.redeemableAt
  const lines: Localized[] = []
  const ownMerchant = own.merchant !== undefined && merchants.includes(own.merchant)
  if (ownMerchant)
    lines.push(own.merchantName ? localized('where.allOf', { merchant: own.merchantName }) : localized('where.allOurs'))
  else if (stores.includes(own.id)) lines.push(eachLang(() => own.name))
  let unnamed = 0
  for (const m of merchants.filter((m) => m !== own.merchant)) {
    const name = names.merchant(m)
    if (name && lines.length < MAX_NAMED) lines.push(localized('where.allOf', { merchant: name }))
    else unnamed++
  }
  for (const s of stores.filter((s) => s !== own.id)) {
    const name = names.store(s)
    if (name && lines.length < MAX_NAMED) lines.push(eachLang(() => name))
    else unnamed++
  }
  if (unnamed > 0) lines.push(localized('where.partners'))
  return lines
}
