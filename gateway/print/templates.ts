/**
 * The slips Tillside prints, as documents: the voucher slip (kiosk), the redemption slip
 * (till) and a test page. In the store's languages (store.languages), the first on top
 * and each other one under it when its words differ; the words come from the catalog.
 */
import type { Block, PrintDocument } from '../../drivers/printer/escpos/document.js'
import type { Campaign } from '../vouchers/campaigns.js'
import { pickText, type Lang, type LocalText } from '../../config/schema-parts.js'
import { valueText } from '../till/till-text.js'
import { imageBlock, type Raster } from './logo-raster.js'
import { t, type MessageKey, type Vars } from '../i18n/messages.js'
import { whereToUse, type KnownNames } from '../vouchers/where-to-use.js'
import type { Config } from '../../config/schema.js'

export interface VoucherSlipInput {
  store: Pick<Config['store'], 'id' | 'name' | 'merchant' | 'merchantName' | 'languages'>
  /** The store's address (portal.store.address), printed under its name. */
  address?: LocalText
  /** Other stores' and merchants' names (the trust list's), for "where to use it". */
  names?: KnownNames
  /** The store's logo as dots (gateway/print/logo-raster.ts), printed above its name. */
  logo?: Raster | null
  code: string
  campaign: Campaign
  expiresAt: number
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const time = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC'
/** A text in each of the languages, without repeats (a name written once prints once). */
const inEach = (langs: readonly Lang[], text: (lang: Lang) => string): string[] => [...new Set(langs.map(text))]
const local = (langs: readonly Lang[], text: LocalText) => inEach(langs, (l) => pickText(l, text))
const said = (langs: readonly Lang[], key: MessageKey, vars?: Vars) => inEach(langs, (l) => t(l, key, vars))
const centred = (lines: string[], style: Partial<Extract<Block, { type: 'text' }>> = {}): Block[] =>
  lines.map((text, i) => ({ type: 'text', text, align: 'center', ...(i === 0 ? style : {}) }))

/**
 * The kiosk's voucher slip: the store on top, the prize, the QR (the voucher itself), until
 * when, where and how to use it — centred lines with air around them, names and no ids.
 */
export function voucherSlip(v: VoucherSlipInput): PrintDocument {
  const langs = v.store.languages
  const value = valueText(v.campaign.value)
  const blocks: Block[] = [
    { type: 'feed', lines: 1 },
    ...(v.logo ? [imageBlock(v.logo)] : []),
    { type: 'text', text: v.store.name, align: 'center', bold: true },
    ...(v.address ? centred(local(langs, v.address)) : []),
    { type: 'divider', char: '=' },
    ...centred(local(langs, v.campaign.name), { bold: true, size: 2 }),
    { type: 'text', text: inEach(langs, (l) => value[l]).join(' / '), align: 'center', bold: true },
    { type: 'feed', lines: 1 },
    { type: 'qr', data: v.code, size: 6, level: 'M' },
    ...centred(
      inEach(langs, (l) => `${t(l, 'game.until')} ${day(v.expiresAt)}`),
      { bold: true },
    ),
    { type: 'feed', lines: 1 },
    { type: 'text', text: said(langs, 'voucher.where').join(' '), align: 'center', bold: true },
    ...whereToUse(v.campaign, v.store, v.names).flatMap((w) => centred(inEach(langs, (l) => w[l]))),
    { type: 'feed', lines: 1 },
    ...centred(said(langs, 'slip.howToUse')),
  ]
  if (v.campaign.terms) blocks.push({ type: 'divider' }, ...centred(local(langs, v.campaign.terms)))
  blocks.push({ type: 'feed', lines: 4 }, { type: 'cut' })
  return { blocks }
}

export interface RedemptionSlipInput {
  storeName: string
  languages: readonly Lang[]
  voucherKey: string
  campaignName: LocalText
  value: Campaign['value']
  time: number
  cashier: string | null
  redemptionId: string
}

export function redemptionSlip(r: RedemptionSlipInput): PrintDocument {
  const langs = r.languages
  const value = valueText(r.value)
  const label = (key: MessageKey) => said(langs, key).join(' ')
  return {
    blocks: [
      { type: 'text', text: r.storeName, align: 'center', bold: true },
      { type: 'text', text: label('slip.redeemed'), align: 'center', bold: true },
      { type: 'divider' },
      ...local(langs, r.campaignName).map((text): Block => ({ type: 'text', text })),
      { type: 'columns', left: label('slip.value'), right: value[langs.includes('en') ? 'en' : langs[0]!] },
      { type: 'columns', left: label('slip.voucher'), right: r.voucherKey },
      { type: 'columns', left: label('slip.time'), right: time(r.time) },
      { type: 'columns', left: label('slip.cashier'), right: r.cashier ?? '-' },
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
