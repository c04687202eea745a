/**
 * The slips Tillside prints, as documents: the voucher slip (kiosk), the redemption slip
 * (till) and a test page. Bilingual: Chinese first, English under it.
 */
import type { Block, PrintDocument } from '../../drivers/printer/escpos/document.js'
import type { Campaign } from '../vouchers/campaigns.js'
import type { LocalText } from '../../config/schema-parts.js'
import { valueText } from '../till/till-text.js'
import { whereToUse } from '../vouchers/where-to-use.js'
import type { Config } from '../../config/schema.js'

export interface VoucherSlipInput {
  store: Pick<Config['store'], 'id' | 'name' | 'merchant' | 'merchantName'>
  /** The store's address (portal.store.address), printed under its name. */
  address?: LocalText
  code: string
  campaign: Campaign
  expiresAt: number
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const time = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC'
const both = (t: LocalText): Block[] => [
  { type: 'text', text: t.zh ?? t.en, align: 'center' },
  ...(t.zh && t.zh !== t.en ? [{ type: 'text' as const, text: t.en, align: 'center' as const }] : []),
]

/**
 * The kiosk's voucher slip: the store on top, the prize, the QR (the voucher itself), until
 * when, where and how to use it — centred lines with air around them, names and no ids.
 */
export function voucherSlip(v: VoucherSlipInput): PrintDocument {
  const value = valueText(v.campaign.value)
  const blocks: Block[] = [
    { type: 'feed', lines: 1 },
    { type: 'text', text: v.store.name, align: 'center', bold: true },
    ...(v.address ? both(v.address) : []),
    { type: 'divider', char: '=' },
    { type: 'text', text: v.campaign.name.zh ?? v.campaign.name.en, align: 'center', bold: true, size: 2 },
    ...(v.campaign.name.zh ? [{ type: 'text' as const, text: v.campaign.name.en, align: 'center' as const }] : []),
    { type: 'text', text: value.zh === value.en ? value.en : `${value.zh} / ${value.en}`, align: 'center', bold: true },
    { type: 'feed', lines: 1 },
    { type: 'qr', data: v.code, size: 6, level: 'M' },
    { type: 'text', text: `有效期至 ${day(v.expiresAt)}`, align: 'center', bold: true },
    { type: 'text', text: `Valid until ${day(v.expiresAt)}`, align: 'center' },
    { type: 'feed', lines: 1 },
    { type: 'text', text: '可用门店 Where to use it', align: 'center', bold: true },
    ...whereToUse(v.campaign, v.store).flatMap(both),
    { type: 'feed', lines: 1 },
    ...both({ zh: '结账时出示本券给收银员扫码', en: 'Show this at the till to use it' }),
  ]
  if (v.campaign.terms) blocks.push({ type: 'divider' }, ...both(v.campaign.terms))
  blocks.push({ type: 'feed', lines: 4 }, { type: 'cut' })
  return { blocks }
}

export interface RedemptionSlipInput {
  storeName: string
  voucherKey: string
  campaignName: LocalText
  value: Campaign['value']
  time: number
  cashier: string | null
  redemptionId: string
}

export function redemptionSlip(r: RedemptionSlipInput): PrintDocument {
  const value = valueText(r.value)
  return {
    blocks: [
      { type: 'text', text: r.storeName, align: 'center', bold: true },
      { type: 'text', text: '优惠券核销 VOUCHER REDEEMED', align: 'center', bold: true },
      { type: 'divider' },
      { type: 'text', text: r.campaignName.zh ?? r.campaignName.en },
      ...(r.campaignName.zh ? [{ type: 'text' as const, text: r.campaignName.en }] : []),
      { type: 'columns', left: '抵扣 Value', right: value.en },
      { type: 'columns', left: '券号 Voucher', right: r.voucherKey },
      { type: 'columns', left: '时间 Time', right: time(r.time) },
      { type: 'columns', left: '收银员 Cashier', right: r.cashier ?? '-' },
      { type: 'text', text: `Ref ${r.redemptionId}`, align: 'right' },
      { type: 'feed', lines: 3 },
      { type: 'cut' },
    ],
  }
}

export function testPage(
  printerId: string,
  profile: { cpl: number; encoding: string; nativeQr: boolean },
  storeName: string,
  now = Date.now(),
): PrintDocument {
  return {
    blocks: [
      { type: 'text', text: 'TILLSIDE TEST PAGE', align: 'center', bold: true, size: 2 },
      { type: 'text', text: '打印测试页', align: 'center', bold: true },
      { type: 'divider' },
      { type: 'columns', left: 'Store', right: storeName },
      { type: 'columns', left: 'Printer', right: printerId },
      { type: 'columns', left: 'Characters/line', right: String(profile.cpl) },
      { type: 'columns', left: 'Encoding', right: profile.encoding },
      { type: 'columns', left: 'QR', right: profile.nativeQr ? 'native (GS ( k)' : 'image' },
      { type: 'columns', left: 'Time', right: time(now) },
      ...(profile.encoding === 'gb18030'
        ? [{ type: 'text' as const, text: '中文打印正常：扫码领券，到店核销。' }]
        : []),
      { type: 'text', text: '0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz' },
      { type: 'qr', data: `TILLSIDE TEST ${printerId}`, size: 4 },
      { type: 'divider', char: '=' },
      { type: 'feed', lines: 3 },
      { type: 'cut' },
    ],
  }
}
