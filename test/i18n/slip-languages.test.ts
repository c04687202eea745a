/** Slips print in the store's languages: the first on top, each other one under it, from the catalog. */
import * as OpenCC from 'opencc-js'
import { describe, expect, it } from 'vitest'
import type { Lang } from '../../config/schema-parts.js'
import { redemptionSlip, voucherSlip } from '../../gateway/print/templates.js'
import { campaign } from '../helpers/vouchers.js'

const coffee = campaign({
  name: { en: 'A free coffee', zh: '免费咖啡一杯', 'zh-TW': '免費咖啡一杯' },
  value: { item: { en: 'One coffee', zh: '咖啡一杯', 'zh-TW': '咖啡一杯' } },
})
const store = (languages: Lang[]) => ({ id: 'shop-a', name: '港灣咖啡', merchant: 'm-a', languages })
const lines = (languages: Lang[]) =>
  voucherSlip({
    store: store(languages),
    code: 'TS1:x',
    campaign: coffee,
    expiresAt: Date.UTC(2027, 0, 31),
  }).blocks.flatMap((b) => (b.type === 'text' ? [b.text] : []))

describe('slip languages', () => {
  it('a Traditional Chinese store prints Traditional Chinese, then English', () => {
    const text = lines(['zh-TW', 'en'])
    expect(text).toEqual(
      expect.arrayContaining(['免費咖啡一杯', 'A free coffee', '有效期限至 2027-01-31', 'Valid until 2027-01-31']),
    )
    expect(text.indexOf('免費咖啡一杯')).toBeLessThan(text.indexOf('A free coffee'))
    expect(text).toContain('結帳時出示本券給收銀員掃描')
    const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' })
    expect(text.filter((l) => toTraditional(l) !== l)).toEqual([])
  })

  it('an English-only store prints no Chinese but its name; words the languages share print once', () => {
    const text = lines(['en'])
    expect(text.filter((l) => l !== '港灣咖啡').join('\n')).not.toMatch(/[\u4e00-\u9fff]/)
    expect(text).toContain('Show this at the till to use it')
    const named = (languages: Lang[]) => lines(languages).filter((l) => l === '港灣咖啡').length
    expect(named(['zh', 'en'])).toBe(named(['en'])) // the header and "where to use it", each once
  })

  it('the redemption slip labels each line in the store languages', () => {
    const doc = redemptionSlip({
      storeName: '港灣咖啡',
      languages: ['zh-TW', 'en'],
      voucherKey: '1:12:7',
      campaignName: coffee.name,
      value: coffee.value,
      time: Date.UTC(2026, 11, 3, 10),
      cashier: 'ann',
      redemptionId: 'r-1',
    })
    const columns = doc.blocks.flatMap((b) => (b.type === 'columns' ? [b.left] : []))
    expect(columns).toEqual(['折抵 Value', '券號 Voucher', '時間 Time', '收銀員 Cashier'])
  })
})
