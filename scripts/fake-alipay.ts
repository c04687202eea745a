/**
 * A local HTTPS server that plays Alipay's OpenAPI gateway as documented, for the tests
 * and the payment.charge bench:
 * it checks every request's RSA2 signature with the merchant's public key, signs every
 * answer with its own key, and acts out each scenario by the payment code's last four
 * digits — 0000 declined; 1111 waiting, paid at the third query; 2222 waiting for ever;
 * 3333 paid, but the answer comes too late for the caller; 5555 an answer claiming
 * "paid" with a forged signature while the trade was closed; 6666 waiting for ever and a
 * cancel that fails twice before it succeeds; other codes paid at once.
 */
import { createServer, type Server } from 'node:https'
import { createSign, createVerify, generateKeyPairSync, type KeyObject } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { signingString } from '../gateway/payments/alipay/alipay-sign.js'

interface Trade {
  state: 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_CLOSED'
  tradeNo: string
  amount: string
  queries: number
  paidAtQuery: number
  cancelFailures: number
}

export class FakeAlipay {
  readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 })
  readonly trades = new Map<string, Trade>()
  readonly calls: { method: string; outTradeNo: string }[] = []
  /** Requests refused for a bad signature. */
  badSignatures = 0
  /** The next this many refunds answer "system error" (after doing nothing). */
  failRefunds = 0
  /** Refunds given, by out_request_no: the amount in yuan. */
  readonly refunds = new Map<string, { outTradeNo: string; amount: string }>()
  /** How long an answer for scenario 3333 is held back (longer than the caller waits). */
  lateMs = 1_500
  private server: Server | null = null
  private next = 1

  constructor(
    /** The server's TLS certificate and key (PEM). */
    private readonly tls: { cert: string | Buffer; key: string | Buffer },
    private readonly merchantKey: KeyObject,
    /** Added to every answer: the provider's own latency, for the bench. */
    private readonly latencyMs = 0,
  ) {}

  get url(): string {
    return `https://127.0.0.1:${(this.server!.address() as AddressInfo).port}/gateway.do`
  }

  pays(outTradeNo: string): number {
    return this.calls.filter((c) => c.method === 'alipay.trade.pay' && c.outTradeNo === outTradeNo).length
  }

  async start(): Promise<this> {
    this.server = createServer({ cert: this.tls.cert, key: this.tls.key }, (req, res) => {
      let body = ''
      req.on('data', (c: Buffer) => (body += c.toString()))
      req.on('end', () => {
        const params = Object.fromEntries(new URLSearchParams(body))
        const { answer, delayMs, forged } = this.handle(params)
        const node = `${String(params.method).replaceAll('.', '_')}_response`
        const text = JSON.stringify(answer)
        const sign = forged ? this.sign('{"code":"10000"}') : this.sign(text)
        const reply = () => {
          res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' })
          res.end(`{"${node}":${text},"sign":"${sign}"}`)
        }
        const wait = delayMs + this.latencyMs
        if (wait > 0) setTimeout(reply, wait)
        else reply()
      })
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    return this
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
  }

  private sign(text: string): string {
    return createSign('RSA-SHA256').update(text, 'utf8').sign(this.keys.privateKey, 'base64')
  }

  private handle(params: Record<string, string>): { answer: object; delayMs: number; forged?: boolean } {
    const ok = createVerify('RSA-SHA256')
      .update(signingString(params), 'utf8')
      .verify(this.merchantKey, params.sign ?? '', 'base64')
    if (!ok) {
      this.badSignatures++
      return { answer: { code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-signature' }, delayMs: 0 }
    }
    const biz = JSON.parse(params.biz_content ?? '{}') as Record<string, string>
    const outTradeNo = biz.out_trade_no ?? ''
    this.calls.push({ method: params.method ?? '', outTradeNo })
    const trade = this.trades.get(outTradeNo)
    switch (params.method) {
      case 'alipay.trade.pay':
        return this.pay(outTradeNo, biz)
      case 'alipay.trade.query':
        if (!trade)
          return { answer: { code: '40004', msg: 'Business Failed', sub_code: 'ACQ.TRADE_NOT_EXIST' }, delayMs: 0 }
        if (trade.state === 'WAIT_BUYER_PAY' && ++trade.queries >= trade.paidAtQuery) trade.state = 'TRADE_SUCCESS'
        return {
          answer: {
            code: '10000',
            msg: 'Success',
            trade_status: trade.state,
            trade_no: trade.tradeNo,
            out_trade_no: outTradeNo,
            total_amount: trade.amount,
          },
          delayMs: 0,
        }
      case 'alipay.trade.cancel': {
        if (!trade)
          return { answer: { code: '40004', msg: 'Business Failed', sub_code: 'ACQ.TRADE_NOT_EXIST' }, delayMs: 0 }
        if (trade.cancelFailures > 0) {
          trade.cancelFailures--
          return {
            answer: { code: '20000', msg: 'Service Currently Unavailable', sub_code: 'aop.ACQ.SYSTEM_ERROR' },
            delayMs: 0,
          }
        }
        const action = trade.state === 'TRADE_SUCCESS' ? 'refund' : 'close'
        trade.state = 'TRADE_CLOSED'
        return {
          answer: { code: '10000', msg: 'Success', retry_flag: 'N', action, out_trade_no: outTradeNo },
          delayMs: 0,
        }
      }
      case 'alipay.trade.refund':
        return { answer: this.refund(outTradeNo, trade, biz), delayMs: 0 }
      default:
        return { answer: { code: '40004', msg: 'Business Failed', sub_code: 'isv.invalid-method' }, delayMs: 0 }
    }
  }

  private refund(outTradeNo: string, trade: Trade | undefined, biz: Record<string, string>): object {
    if (this.failRefunds > 0) {
      this.failRefunds--
      return { code: '20000', msg: 'Service Currently Unavailable', sub_code: 'aop.ACQ.SYSTEM_ERROR' }
    }
    const requestNo = biz.out_request_no ?? ''
    if (!trade || trade.state !== 'TRADE_SUCCESS')
      return { code: '40004', msg: 'Business Failed', sub_code: 'ACQ.TRADE_STATUS_ERROR', sub_msg: '交易状态不合法' }
    const base = { code: '10000', msg: 'Success', trade_no: trade.tradeNo, out_trade_no: outTradeNo }
    if (this.refunds.has(requestNo)) return { ...base, fund_change: 'N' } // the same refund asked again
    const cents = (yuan: string) => Math.round(Number(yuan) * 100)
    const given = [...this.refunds.values()]
      .filter((r) => r.outTradeNo === outTradeNo)
      .reduce((n, r) => n + cents(r.amount), 0)
    if (given + cents(biz.refund_amount ?? '0') > cents(trade.amount))
      return {
        code: '40004',
        msg: 'Business Failed',
        sub_code: 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL',
        sub_msg: '退款金额超限',
      }
    this.refunds.set(requestNo, { outTradeNo, amount: biz.refund_amount ?? '' })
    return { ...base, fund_change: 'Y', refund_fee: biz.refund_amount }
  }

  private pay(outTradeNo: string, biz: Record<string, string>): { answer: object; delayMs: number; forged?: boolean } {
    const scenario = (biz.auth_code ?? '').slice(-4)
    if (scenario === '0000')
      return {
        answer: {
          code: '40004',
          msg: 'Business Failed',
          sub_code: 'ACQ.PAYMENT_AUTH_CODE_INVALID',
          sub_msg: '付款码无效',
        },
        delayMs: 0,
      }
    const waiting = scenario === '1111' || scenario === '2222' || scenario === '6666'
    const trade: Trade = {
      state: scenario === '5555' ? 'TRADE_CLOSED' : waiting ? 'WAIT_BUYER_PAY' : 'TRADE_SUCCESS',
      tradeNo: `2026120322001${String(this.next++).padStart(8, '0')}`,
      amount: biz.total_amount ?? '',
      queries: 0,
      paidAtQuery: scenario === '1111' ? 3 : Infinity,
      cancelFailures: scenario === '6666' ? 2 : 0,
    }
    this.trades.set(outTradeNo, trade)
    const base = { out_trade_no: outTradeNo, trade_no: trade.tradeNo, total_amount: trade.amount }
    if (waiting) return { answer: { code: '10003', msg: ' order success pay inprocess', ...base }, delayMs: 0 }
    if (scenario === '5555') return { answer: { code: '10000', msg: 'Success', ...base }, delayMs: 0, forged: true }
    return { answer: { code: '10000', msg: 'Success', ...base }, delayMs: scenario === '3333' ? this.lateMs : 0 }
  }
}
