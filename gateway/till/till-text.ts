/**
 * What the cashier reads: each machine reason in plain words, English and Simplified
 * Chinese. The screen shows these; APIs carry the machine `reason` beside them.
 */
import type { Campaign } from '../vouchers/campaigns.js'
import type { BothLanguages } from '../../config/schema-parts.js'

/** A short headline the cashier reads at a glance, and advice on what to do. */
export const REASON_TEXT: Record<string, { headline: BothLanguages; advice: BothLanguages }> = {
  malformed: {
    headline: { en: 'Unreadable code', zh: '无法识别' },
    advice: { en: 'Damaged or incomplete — scan again or type nothing in', zh: '券码损坏或不完整，请重新扫描' },
  },
  bad_signature: {
    headline: { en: 'FORGED', zh: '伪造券' },
    advice: { en: 'Altered or forged voucher — do not accept', zh: '券码被篡改或伪造，请勿接受' },
  },
  unknown_issuer: {
    headline: { en: 'Unknown issuer', zh: '未知发券方' },
    advice: { en: 'Not issued by a shop we trust — do not accept', zh: '非受信任门店发出，请勿接受' },
  },
  revoked: {
    headline: { en: 'Cancelled', zh: '已作废' },
    advice: { en: 'This voucher has been cancelled', zh: '该券已被作废' },
  },
  unknown_campaign: {
    headline: { en: 'Unknown offer', zh: '未知活动' },
    advice: { en: "This store does not know this voucher's offer", zh: '本店不认识该券的活动' },
  },
  not_yet_valid: {
    headline: { en: 'Not valid yet', zh: '尚未生效' },
    advice: { en: 'The offer has not started', zh: '活动尚未开始' },
  },
  expired: {
    headline: { en: 'Expired', zh: '已过期' },
    advice: { en: 'The voucher is past its expiry', zh: '已超过有效期' },
  },
  wrong_store: {
    headline: { en: 'Not valid here', zh: '本店不可用' },
    advice: { en: 'This voucher is for other stores', zh: '该券仅限其他门店使用' },
  },
  online_check_required: {
    headline: { en: 'Needs online check', zh: '需联网核验' },
    advice: { en: 'High-value voucher: try again when the internet is back', zh: '大额券需联网核验，请联网后再试' },
  },
  already_redeemed: {
    headline: { en: 'Already used', zh: '已被使用' },
    advice: { en: 'Do not accept again', zh: '请勿重复接受' },
  },
  payment_offline: {
    headline: { en: 'Payment code', zh: '付款码' },
    advice: {
      en: 'No payment service reachable — ask for another way to pay',
      zh: '支付服务无法连接，请换用其他付款方式',
    },
  },
  payment_code: {
    headline: { en: 'Payment code', zh: '付款码' },
    advice: {
      en: 'Charge it from the POS now — it expires in a minute',
      zh: '请立即在收银机上收款，付款码一分钟内失效',
    },
  },
  payment_declined: {
    headline: { en: 'Payment declined', zh: '支付被拒绝' },
    advice: { en: 'Ask for another way to pay', zh: '请换用其他付款方式' },
  },
  member: { headline: { en: 'MEMBER', zh: '会员' }, advice: { en: 'Member recognised', zh: '已识别会员' } },
  member_code_expired: {
    headline: { en: 'Old member code', zh: '会员码已过期' },
    advice: { en: 'A screenshot? Ask for the live code in the app', zh: '可能是截图，请顾客出示实时会员码' },
  },
  unknown_member: {
    headline: { en: 'Unknown member', zh: '未知会员' },
    advice: { en: 'Not a member of this store yet', zh: '尚不是本店会员' },
  },
  malformed_member: {
    headline: { en: 'Unreadable code', zh: '无法识别' },
    advice: { en: 'Damaged member code — scan again', zh: '会员码损坏，请重新扫描' },
  },
  forged_member: {
    headline: { en: 'FORGED', zh: '伪造会员码' },
    advice: { en: 'Member code does not verify', zh: '会员码校验失败' },
  },
  product: {
    headline: { en: 'Product barcode', zh: '商品条码' },
    advice: { en: 'Scan it on the POS', zh: '请在收银机上扫描' },
  },
  unknown: {
    headline: { en: 'Unknown code', zh: '无法识别的条码' },
    advice: { en: 'Not a voucher, member or payment code', zh: '不是优惠券、会员码或付款码' },
  },
}

export function reasonText(reason: string): { headline: BothLanguages; advice: BothLanguages } {
  return REASON_TEXT[reason] ?? REASON_TEXT.unknown!
}

/** What the cashier does for a valid voucher, as one phrase: take money off, or give the item. */
export function handOverText(value: Campaign['value']): BothLanguages {
  const v = valueText(value)
  return 'item' in value
    ? { en: `Give: ${v.en}`, zh: `赠送：${v.zh}` }
    : { en: `Take ${v.en} the bill`, zh: `本单${v.zh}` }
}

/** "What to hand over" for a campaign's value. */
export function valueText(value: Campaign['value']): BothLanguages {
  if ('item' in value) return { en: value.item.en, zh: value.item.zh ?? value.item.en }
  const amount = (value.amount / 100).toFixed(2)
  const symbol = value.currency === 'CNY' ? '¥' : `${value.currency} `
  return { en: `${symbol}${amount} off`, zh: `抵扣 ${symbol}${amount}` }
}
