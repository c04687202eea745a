/**
 * A local HTTPS server that plays WeChat Pay's API v2 as documented, for the tests: it
 * checks every request's HMAC-SHA256 signature with the merchant's API key, signs every
 * answer, demands the merchant's client certificate on secapi/pay/reverse, and acts out
 * each scenario by the payment code's last four digits — 0000 declined (AUTHCODEEXPIRE);
 * 1111 USERPAYING, paid at the third query; 2222 USERPAYING for ever, and a reverse that
 * answers recall=Y once; 3333 SYSTEMERROR though it was paid; 5555 a "SUCCESS" with a
 * forged signature while the order was closed; other codes paid at once.
 */
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { TLSSocket } from 'node:tls'
import { fromXml, toXml, wechatSign, type Fields } from '../gateway/payments/wechat/wechat-sign.js'

interface Order {
  state: 'SUCCESS' | 'USERPAYING' | 'CLOSED' | 'REVOKED'
  transactionId: string
  fee: string
  queries: number
  paidAtQuery: number
  recalls: number
}

export class FakeWechat {
  readonly orders = new Map<string, Order>()
  readonly calls: { path: string; outTradeNo: string }[] = []
  badSignatures = 0
  reversalsWithoutCertificate = 0
  /** The next this many refunds answer SYSTEMERROR (after doing nothing). */
  failRefunds = 0
  /** Refunds accepted, by out_refund_no: the fee in fen. */
  readonly refunds = new Map<string, { outTradeNo: string; fee: number }>()
  private server: Server | null = null
  private next = 1

  constructor(
    private readonly tls: { cert: string | Buffer; key: string | Buffer; ca: string | Buffer },
    private readonly apiKey: string,
  ) {}

  get url(): string {
    return `https://127.0.0.1:${(this.server!.address() as AddressInfo).port}`
  }

  micropays(outTradeNo: string): number {
    return this.calls.filter((c) => c.path === '/pay/micropay' && c.outTradeNo === outTradeNo).length
  }

  async start(): Promise<this> {
    this.server = createServer(
      { cert: this.tls.cert, key: this.tls.key, ca: this.tls.ca, requestCert: true, rejectUnauthorized: false },
      (req, res) => {
        let body = ''
        req.on('data', (c: Buffer) => (body += c.toString()))
        req.on('end', () => {
          const certified = (req.socket as TLSSocket).authorized
          const { answer, forged } = this.handle(req.url ?? '', fromXml(body), certified)
          const signed: Fields = { return_code: 'SUCCESS', return_msg: 'OK', ...answer }
          signed.sign = forged ? 'F'.repeat(64) : wechatSign(signed, this.apiKey)
          res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' })
          res.end(toXml(signed))
        })
      },
    )
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    return this
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
  }

  private handle(path: string, f: Fields, certified: boolean): { answer: Fields; forged?: boolean } {
    if (f.sign !== wechatSign(f, this.apiKey)) {
      this.badSignatures++
      return { answer: { result_code: 'FAIL', err_code: 'SIGNERROR', err_code_des: 'bad signature' } }
    }
    const outTradeNo = f.out_trade_no ?? ''
    this.calls.push({ path, outTradeNo })
    const order = this.orders.get(outTradeNo)
    const missing = { result_code: 'FAIL', err_code: 'ORDERNOTEXIST', err_code_des: 'no such order' }
    if (path === '/pay/micropay') return this.micropay(outTradeNo, f)
    if (path === '/pay/orderquery') {
      if (!order) return { answer: missing }
      if (order.state === 'USERPAYING' && ++order.queries >= order.paidAtQuery) order.state = 'SUCCESS'
      return {
        answer: {
          result_code: 'SUCCESS',
          trade_state: order.state,
          transaction_id: order.transactionId,
          total_fee: order.fee,
        },
      }
    }
    if (path === '/secapi/pay/reverse') {
      if (!certified) {
        this.reversalsWithoutCertificate++
        return { answer: { result_code: 'FAIL', err_code: 'CERT_ERROR', err_code_des: 'client certificate required' } }
      }
      if (!order) return { answer: missing }
      if (order.recalls > 0) {
        order.recalls--
        return { answer: { result_code: 'SUCCESS', recall: 'Y' } }
      }
      order.state = 'REVOKED'
      return { answer: { result_code: 'SUCCESS', recall: 'N' } }
    }
    if (path === '/secapi/pay/refund') return { answer: this.refund(outTradeNo, order, f, certified) }
    return { answer: { result_code: 'FAIL', err_code: 'INVALID_REQUEST', err_code_des: `no ${path}` } }
  }

  private refund(outTradeNo: string, order: Order | undefined, f: Fields, certified: boolean): Fields {
    if (!certified) return { result_code: 'FAIL', err_code: 'CERT_ERROR', err_code_des: 'client certificate required' }
    if (this.failRefunds > 0) {
      this.failRefunds--
      return { result_code: 'FAIL', err_code: 'SYSTEMERROR', err_code_des: '系统超时' }
    }
    if (!order || order.state !== 'SUCCESS')
      return { result_code: 'FAIL', err_code: 'TRADE_STATE_ERROR', err_code_des: '订单状态错误' }
    const refundNo = f.out_refund_no ?? ''
    const known = this.refunds.get(refundNo)
    if (!known) {
      const given = [...this.refunds.values()].filter((r) => r.outTradeNo === outTradeNo).reduce((n, r) => n + r.fee, 0)
      if (given + Number(f.refund_fee) > Number(order.fee))
        return { result_code: 'FAIL', err_code: 'ERROR', err_code_des: '申请退款金额超过订单可退金额' }
      this.refunds.set(refundNo, { outTradeNo, fee: Number(f.refund_fee) })
    }
    return { result_code: 'SUCCESS', refund_id: `50000${refundNo.slice(0, 10)}`, refund_fee: f.refund_fee ?? '' }
  }

  private micropay(outTradeNo: string, f: Fields): { answer: Fields; forged?: boolean } {
    const scenario = (f.auth_code ?? '').slice(-4)
    if (scenario === '0000')
      return { answer: { result_code: 'FAIL', err_code: 'AUTHCODEEXPIRE', err_code_des: '二维码已过期' } }
    const waiting = scenario === '1111' || scenario === '2222'
    const order: Order = {
      state: scenario === '5555' ? 'CLOSED' : waiting ? 'USERPAYING' : 'SUCCESS',
      transactionId: `42000${String(this.next++).padStart(23, '0')}`,
      fee: f.total_fee ?? '',
      queries: 0,
      paidAtQuery: scenario === '1111' ? 3 : Infinity,
      recalls: scenario === '2222' ? 1 : 0,
    }
    this.orders.set(outTradeNo, order)
    if (waiting)
      return { answer: { result_code: 'FAIL', err_code: 'USERPAYING', err_code_des: '需要用户输入支付密码' } }
    if (scenario === '3333')
      return { answer: { result_code: 'FAIL', err_code: 'SYSTEMERROR', err_code_des: '系统超时' } }
    const paid = { result_code: 'SUCCESS', transaction_id: order.transactionId, total_fee: order.fee }
    return { answer: paid, forged: scenario === '5555' }
  }
}
