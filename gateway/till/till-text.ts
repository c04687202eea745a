/**
 * What the cashier reads: each machine reason's headline and advice, and what to hand
 * over, in every language of the catalog (gateway/i18n). The screen shows these; APIs
 * carry the machine `reason` beside them.
 */
import type { Campaign } from '../vouchers/campaigns.js'
import { eachLang, pickText, type Localized } from '../../config/schema-parts.js'
import { hasMessage, localized, t, type MessageKey } from '../i18n/messages.js'

/** A short headline the cashier reads at a glance, and advice on what to do; unknown reasons read as "Unknown code". */
export function reasonText(reason: string): { headline: Localized; advice: Localized } {
  const known = hasMessage(`till.reason.${reason}.headline`) ? reason : 'unknown'
  return {
    headline: localized(`till.reason.${known}.headline` as MessageKey),
    advice: localized(`till.reason.${known}.advice` as MessageKey),
  }
}

/** What the cashier does for a valid voucher, as one phrase: take money off, or give the item. */
export function handOverText(value: Campaign['value']): Localized {
  const v = valueText(value)
  return eachLang((lang) =>
    'item' in value ? t(lang, 'value.give', { item: v[lang] }) : t(lang, 'value.takeOff', { value: v[lang] }),
  )
}

/** "What to hand over" for a campaign's value. */
export function valueText(value: Campaign['value']): Localized {
  if ('item' in value) return eachLang((lang) => pickText(lang, value.item))
  const amount = (value.amount / 100).toFixed(2)
  const symbol = value.currency === 'CNY' ? '¥' : `${value.currency} `
  return eachLang((lang) => t(lang, 'value.off', { amount: `${symbol}${amount}` }))
}
