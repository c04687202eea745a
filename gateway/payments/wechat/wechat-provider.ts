/**
 * WeChat Pay payment code (付款码支付), API v2, from WeChat Pay's documentation:
 * pay/micropay, pay/orderquery, secapi/pay/reverse (with the merchant's client
 * certificate), XML signed HMAC-SHA256, every signed answer verified. USERPAYING is
 * pending; SYSTEMERROR, BANKERROR and answers that cannot be trusted are unknown; a
 * reverse that answers recall=Y is tried again.
 */
import { randomBytes } from 'node:crypto'
import type {
  CancelResult,
  ChargeRef,
  ChargeRequest,
  ChargeResult,
  PaymentProvider,
  QueryResult,
  RefundRequest,
  RefundResult,
} from '../payment-provider.js'
import { outTradeNo } from '../payment-provider.js'
import { post, PspUnreachable } from '../psp-http.js'
import { fromXml, toXml, verified, wechatSign, WechatMessageError, type Fields } from './wechat-sign.js'

export interface WechatOptions {
  appId: string
  mchId: string
  apiKey: string
  clientCert: Buffer
  clientKey: Buffer
  gatewayUrl: string
  /** What the customer's bill says was bought. */
  body: string
  /** The terminal's address, which WeChat Pay asks for. */
  terminalIp: string
  timeoutMs: number
  ca?: string
}

type Call = { ok: true; f: Fields } | { ok: false; unsent: boolean; detail: string }

const UNKNOWN = new Set(['SYSTEMERROR', 'BANKERROR'])
const FAILED_STATES = new Set(['CLOSED', 'REVOKED', 'PAYERROR', 'REFUND'])

export class WechatProvider implements PaymentProvider {
  readonly name = 'wechat'

  constructor(private readonly opts: WechatOptions) {}

  available(): boolean {
    return true
  }

  async charge(req: ChargeRequest): Promise<ChargeResult> {
    const r = await this.call('pay/micropay', {
      body: this.opts.body,
      out_trade_no: outTradeNo(req.reference),
      total_fee: String(req.amount),
      fee_type: req.currency,
      spbill_create_ip: this.opts.terminalIp,
      auth_code: req.authCode,
    })
    if (!r.ok) return r.unsent ? { status: 'unavailable', detail: r.detail } : { status: 'unknown', detail: r.detail }
    const f = r.f
    if (f.result_code === 'SUCCESS' && f.transaction_id)
      return { status: 'paid', transactionId: f.transaction_id, detail: 'paid (WeChat Pay)' }
    if (f.err_code === 'USERPAYING')
      return { status: 'pending', detail: 'waiting for the customer to confirm (WeChat Pay)' }
    if (f.result_code === 'FAIL' && !UNKNOWN.has(f.err_code ?? '')) return { status: 'declined', detail: describe(f) }
    return { status: 'unknown', detail: describe(f) }
  }

  async query(ref: ChargeRef): Promise<QueryResult> {
    const r = await this.call('pay/orderquery', { out_trade_no: outTradeNo(ref.reference) })
    if (!r.ok) return { status: 'unknown', detail: r.detail }
    const f = r.f
    if (f.result_code !== 'SUCCESS')
      return f.err_code === 'ORDERNOTEXIST'
        ? { status: 'not_found', detail: describe(f) }
        : { status: 'unknown', detail: describe(f) }
    const state = f.trade_state ?? ''
    if (state === 'SUCCESS' && f.transaction_id)
      return { status: 'paid', transactionId: f.transaction_id, detail: 'paid (WeChat Pay)' }
    if (state === 'USERPAYING' || state === 'NOTPAY') return { status: 'pending', detail: `${state} (WeChat Pay)` }
    if (FAILED_STATES.has(state)) return { status: 'declined', detail: `${state} (WeChat Pay)` }
    return { status: 'unknown', detail: `trade_state ${state} (WeChat Pay)` }
  }

  async cancel(ref: ChargeRef): Promise<CancelResult> {
    const r = await this.call('secapi/pay/reverse', { out_trade_no: outTradeNo(ref.reference) }, true)
    if (!r.ok) return { status: 'unknown', detail: r.detail }
    const f = r.f
    if (f.result_code === 'SUCCESS' && f.recall !== 'Y') return { status: 'cancelled', detail: 'reversed (WeChat Pay)' }
    if (f.err_code === 'ORDERNOTEXIST')
      return { status: 'cancelled', detail: 'never arrived at WeChat Pay: nothing to reverse' }
    return { status: 'failed', detail: describe(f) }
  }

  /** secapi/pay/refund (client certificate): the same out_refund_no again is the same refund; accepted counts as given back. */
  async refund(req: RefundRequest): Promise<RefundResult> {
    const r = await this.call(
      'secapi/pay/refund',
      {
        out_trade_no: outTradeNo(req.reference),
        out_refund_no: outTradeNo(req.refundReference),
        total_fee: String(req.total),
        refund_fee: String(req.amount),
        refund_fee_type: req.currency,
      },
      true,
    )
    if (!r.ok) return { status: 'unknown', detail: r.detail }
    const f = r.f
    if (f.result_code === 'SUCCESS')
      return { status: 'refunded', refundId: f.refund_id ?? null, detail: 'refund accepted (WeChat Pay)' }
    if (UNKNOWN.has(f.err_code ?? '')) return { status: 'unknown', detail: describe(f) }
    return { status: 'refused', detail: describe(f) }
  }

  private async call(path: string, fields: Fields, withCertificate = false): Promise<Call> {
    const o = this.opts
    const message: Fields = {
      appid: o.appId,
      mch_id: o.mchId,
      nonce_str: randomBytes(16).toString('hex'),
      sign_type: 'HMAC-SHA256',
      ...fields,
    }
    message.sign = wechatSign(message, o.apiKey)
    let reply
    try {
      reply = await post(`${o.gatewayUrl.replace(/\/$/, '')}/${path}`, toXml(message), {
        contentType: 'text/xml; charset=utf-8',
        timeoutMs: o.timeoutMs,
        ca: o.ca,
        ...(withCertificate ? { cert: o.clientCert, key: o.clientKey } : {}),
      })
    } catch (err) {
      return { ok: false, unsent: err instanceof PspUnreachable, detail: `WeChat Pay: ${(err as Error).message}` }
    }
    if (reply.status !== 200) return { ok: false, unsent: false, detail: `WeChat Pay answered HTTP ${reply.status}` }
    try {
      const f = fromXml(reply.body)
      // A communication failure is not signed; nothing it says is taken as an outcome.
      if (f.return_code !== 'SUCCESS')
        return { ok: false, unsent: false, detail: `WeChat Pay: ${f.return_msg ?? 'FAIL'}` }
      return { ok: true, f: verified(f, o.apiKey) }
    } catch (err) {
      if (err instanceof WechatMessageError) return { ok: false, unsent: false, detail: `WeChat Pay: ${err.message}` }
      throw err
    }
  }
}

function describe(f: Fields): string {
  return `${[f.err_code, f.err_code_des].filter(Boolean).join(' ') || f.result_code || 'no result'} (WeChat Pay)`
}
