/**
 * What a till scan is, decided from its text alone: our voucher, our member code, a
 * wallet payment code, a product barcode, or nothing we know. Cheap and pure; the
 * handlers do the expensive checks.
 */
import { VOUCHER_PREFIX } from '../vouchers/voucher-code.js'

export const MEMBER_PREFIX = 'TM1:'

export type PaymentProvider = 'alipay' | 'wechat' | 'unionpay'
export type ProductFormat = 'EAN-13' | 'EAN-8' | 'UPC-A' | 'GTIN-14'

export type ScanClass =
  | { kind: 'voucher'; code: string }
  | { kind: 'member'; code: string }
  | { kind: 'payment'; provider: PaymentProvider; code: string }
  | { kind: 'product'; format: ProductFormat; gtin: string }
  | { kind: 'unknown'; detail: string }

/**
 * Wallet "payment codes" (付款码) shown in the customer's app, per the providers' docs:
 * WeChat Pay 18 digits starting 10–15; Alipay 16–24 digits starting 25–30; UnionPay
 * QuickPass 19 digits starting 62. They expire in about a minute.
 */
const PAYMENT_CODES: { provider: PaymentProvider; pattern: RegExp }[] = [
  { provider: 'wechat', pattern: /^1[0-5]\d{16}$/ },
  { provider: 'alipay', pattern: /^(2[5-9]|30)\d{14,22}$/ },
  { provider: 'unionpay', pattern: /^62\d{17}$/ },
]

const PRODUCT_LENGTHS: Record<number, ProductFormat> = { 8: 'EAN-8', 12: 'UPC-A', 13: 'EAN-13', 14: 'GTIN-14' }

export function classifyScan(text: string): ScanClass {
  const data = text.trim()
  if (data.startsWith(VOUCHER_PREFIX)) return { kind: 'voucher', code: data }
  if (data.startsWith(MEMBER_PREFIX)) return { kind: 'member', code: data }
  if (/^\d+$/.test(data)) {
    for (const { provider, pattern } of PAYMENT_CODES)
      if (pattern.test(data)) return { kind: 'payment', provider, code: data }
    const format = PRODUCT_LENGTHS[data.length]
    if (format) {
      if (gtinCheckDigitOk(data)) return { kind: 'product', format, gtin: data.padStart(14, '0') }
      return {
        kind: 'unknown',
        detail: `${data.length} digits like an ${format} barcode, but the check digit is wrong`,
      }
    }
    return { kind: 'unknown', detail: `${data.length} digits: not a product barcode or a known payment code` }
  }
  return { kind: 'unknown', detail: 'not a Tillside voucher, member code, payment code or product barcode' }
}

/** GS1 mod-10: weights 3,1,3,… from the digit left of the check digit. */
export function gtinCheckDigitOk(digits: string): boolean {
  let sum = 0
  for (let i = digits.length - 2, w = 3; i >= 0; i--, w = 4 - w) sum += Number(digits[i]) * w
  return (10 - (sum % 10)) % 10 === Number(digits.at(-1))
}

/** Enough to recognise a code in a log or on a receipt, never enough to charge it. */
export function maskCode(code: string): string {
  return `${code.slice(0, 4)}${'*'.repeat(Math.max(0, code.length - 6))}${code.slice(-2)}`
}
