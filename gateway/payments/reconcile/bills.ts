/**
 * The providers' daily bills, as downloaded from their merchant platforms or APIs, read
 * into one shape: every charge and refund with the provider's and our reference and the
 * amount in fen. Alipay's trade bill (业务明细) is GBK CSV between `#` comment lines;
 * WeChat Pay's (ALL) is UTF-8 CSV whose every value starts with a backtick, followed by a
 * summary. Columns are found by their header names, not by position.
 */
import iconv from 'iconv-lite'
import { fromDecimal } from '../money.js'

export interface BillLine {
  kind: 'charge' | 'refund'
  /** Our order number at the provider (a hash of our reference). */
  outTradeNo: string
  transactionId: string
  /** Refunds: our refund number at the provider. */
  refundNo: string | null
  /** Fen, always positive. */
  amount: number
  time: string
}

export class BillError extends Error {
  override readonly name = 'BillError'
}

/** One CSV line's fields (quotes and doubled quotes understood), each trimmed. */
function fields(line: string): string[] {
  const out: string[] = []
  let cur = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quoted && c === '"' && line[i + 1] === '"') {
      cur += '"'
      i++
    } else if (c === '"') quoted = !quoted
    else if (c === ',' && !quoted) {
      out.push(cur.trim())
      cur = ''
    } else cur += c
  }
  out.push(cur.trim())
  return out
}

function columns(header: string[], names: string[], bill: string): number[] {
  return names.map((name) => {
    const i = header.indexOf(name)
    if (i < 0) throw new BillError(`${bill}: no column ${name}`)
    return i
  })
}

function fen(text: string, where: string): number {
  const v = fromDecimal(text.replace(/^-/, ''))
  if (v === null) throw new BillError(`${where}: "${text}" is not an amount`)
  return v
}

export function parseAlipayBill(raw: Buffer): BillLine[] {
  const lines = iconv.decode(raw, 'gbk').split(/\r?\n/)
  const at = lines.findIndex((l) => !l.startsWith('#') && l.includes('商户订单号'))
  if (at < 0) throw new BillError('Alipay bill: no header line with 商户订单号')
  const [trade, order, type, done, amount, refundNo] = columns(
    fields(lines[at]!),
    ['支付宝交易号', '商户订单号', '业务类型', '完成时间', '订单金额（元）', '退款批次号/请求号'],
    'Alipay bill',
  )
  const out: BillLine[] = []
  for (let n = at + 1; n < lines.length && !lines[n]!.startsWith('#'); n++) {
    if (lines[n]!.trim() === '') continue
    const f = fields(lines[n]!)
    const kind = f[type!] === '退款' ? 'refund' : f[type!] === '交易' ? 'charge' : null
    if (!kind) continue
    out.push({
      kind,
      outTradeNo: f[order!]!,
      transactionId: f[trade!]!,
      refundNo: kind === 'refund' ? f[refundNo!] || null : null,
      amount: fen(f[amount!]!, `Alipay bill line ${n + 1}`),
      time: f[done!]!,
    })
  }
  return out
}

export function parseWechatBill(raw: Buffer): BillLine[] {
  const lines = raw
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
  const header = fields(lines[0] ?? '')
  const [time, transaction, order, state, amount, refundNo, refunded] = columns(
    header,
    ['交易时间', '微信订单号', '商户订单号', '交易状态', '订单金额', '商户退款单号', '退款金额'],
    'WeChat Pay bill',
  )
  const out: BillLine[] = []
  for (let n = 1; n < lines.length && !lines[n]!.startsWith('总'); n++) {
    if (lines[n]!.trim() === '') continue
    const f = fields(lines[n]!).map((v) => v.replace(/^`/, ''))
    const refund = f[state!] === 'REFUND'
    if (!refund && f[state!] !== 'SUCCESS') continue
    out.push({
      kind: refund ? 'refund' : 'charge',
      outTradeNo: f[order!]!,
      transactionId: f[transaction!]!,
      refundNo: refund ? f[refundNo!] || null : null,
      amount: fen(refund ? f[refunded!]! : f[amount!]!, `WeChat Pay bill line ${n + 1}`),
      time: f[time!]!,
    })
  }
  return out
}
