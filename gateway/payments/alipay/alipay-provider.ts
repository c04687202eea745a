/**
 * Alipay face-to-face payment by payment code (当面付 条码支付), from Alipay's OpenAPI
 * documentation: alipay.trade.pay (scene bar_code), alipay.trade.query, alipay.trade.cancel,
 * signed RSA2 with the merchant's key, every answer verified with Alipay's public key.
 * Codes: 10000 success; 10003 waiting for the customer (pending); 20000 and ACQ.SYSTEM_ERROR
 * unknown; 40004 a business refusal. An answer that does not verify is unknown, never paid.
 */
import type { KeyObject } from 'node:crypto'
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
import { toDecimal } from '../money.js'
import { post, PspUnreachable } from '../psp-http.js'
import { AlipaySignatureError, signParams, verifiedResponse } from './alipay-sign.js'

export interface AlipayOptions {
  appId: string
  gatewayUrl: string
  privateKey: KeyObject
  alipayPublicKey: KeyObject
  /** What the customer's bill says was bought. */
  subject: string
  timeoutMs: number
  ca?: string
}

type Node = Record<string, unknown>
type Call = { ok: true; node: Node } | { ok: false; unsent: boolean; detail: string }

const UNKNOWN_SUBCODES = new Set(['ACQ.SYSTEM_ERROR', 'aop.ACQ.SYSTEM_ERROR'])

export class AlipayProvider implements PaymentProvider {
  readonly name = 'alipay'

  constructor(private readonly opts: AlipayOptions) {}

  available(): boolean {
    return true
  }

  charge(req: ChargeRequest): Promise<ChargeResult> {
    return this.prepareCharge(req)()
  }

  prepareCharge(req: ChargeRequest): () => Promise<ChargeResult> {
    const signed = this.sign('alipay.trade.pay', {
      out_trade_no: outTradeNo(req.reference),
      scene: 'bar_code',
      auth_code: req.authCode,
      subject: this.opts.subject,
      total_amount: toDecimal(req.amount),
    })
    return async () => this.chargeAnswer(await this.send(signed))
  }

  private chargeAnswer(r: Call): ChargeResult {
    if (!r.ok) return r.unsent ? { status: 'unavailable', detail: r.detail } : { status: 'unknown', detail: r.detail }
    const code = String(r.node.code)
    if (code === '10000' && typeof r.node.trade_no === 'string')
      return { status: 'paid', transactionId: r.node.trade_no, detail: 'paid (Alipay)' }
    if (code === '10003') return { status: 'pending', detail: 'waiting for the customer to confirm (Alipay)' }
    if (code === '40004' && !UNKNOWN_SUBCODES.has(String(r.node.sub_code)))
      return { status: 'declined', detail: describe(r.node) }
    return { status: 'unknown', detail: describe(r.node) }
  }

  async query(ref: ChargeRef): Promise<QueryResult> {
    const r = await this.call('alipay.trade.query', { out_trade_no: outTradeNo(ref.reference) })
    if (!r.ok) return { status: 'unknown', detail: r.detail }
    const code = String(r.node.code)
    if (code === '40004' && r.node.sub_code === 'ACQ.TRADE_NOT_EXIST')
      return { status: 'not_found', detail: describe(r.node) }
    if (code !== '10000') return { status: 'unknown', detail: describe(r.node) }
    const status = r.node.trade_status
    if ((status === 'TRADE_SUCCESS' || status === 'TRADE_FINISHED') && typeof r.node.trade_no === 'string')
      return { status: 'paid', transactionId: r.node.trade_no, detail: `${status} (Alipay)` }
    if (status === 'WAIT_BUYER_PAY')
      return { status: 'pending', detail: 'waiting for the customer to confirm (Alipay)' }
    if (status === 'TRADE_CLOSED') return { status: 'declined', detail: 'closed (Alipay)' }
    return { status: 'unknown', detail: `trade_status ${String(status)} (Alipay)` }
  }

  async cancel(ref: ChargeRef): Promise<CancelResult> {
    const r = await this.call('alipay.trade.cancel', { out_trade_no: outTradeNo(ref.reference) })
    if (!r.ok) return { status: 'unknown', detail: r.detail }
    const code = String(r.node.code)
    // Alipay says to call again while retry_flag is Y; a trade that never arrived has nothing to undo.
    if (code === '10000' && r.node.retry_flag !== 'Y')
      return { status: 'cancelled', detail: `cancelled (Alipay${r.node.action ? `: ${String(r.node.action)}` : ''})` }
    if (code === '40004' && r.node.sub_code === 'ACQ.TRADE_NOT_EXIST')
      return { status: 'cancelled', detail: 'never arrived at Alipay: nothing to cancel' }
    return { status: 'failed', detail: describe(r.node) }
  }

  /** alipay.trade.refund: the same out_request_no again is the same refund (fund_change N on a repeat). */
  async refund(req: RefundRequest): Promise<RefundResult> {
    const r = await this.call('alipay.trade.refund', {
      out_trade_no: outTradeNo(req.reference),
      refund_amount: toDecimal(req.amount),
      out_request_no: outTradeNo(req.refundReference),
    })
    if (!r.ok) return { status: 'unknown', detail: r.detail }
    const code = String(r.node.code)
    if (code === '10000')
      return {
        status: 'refunded',
        refundId: typeof r.node.trade_no === 'string' ? r.node.trade_no : null,
        detail: 'refunded (Alipay)',
      }
    if (code === '40004' && !UNKNOWN_SUBCODES.has(String(r.node.sub_code)))
      return { status: 'refused', detail: describe(r.node) }
    return { status: 'unknown', detail: describe(r.node) }
  }

  private call(method: string, biz: Record<string, string>): Promise<Call> {
    return this.send(this.sign(method, biz))
  }

  /** The request's form, signed (RSA2 over the sorted parameters). */
  private sign(method: string, biz: Record<string, string>): { method: string; form: string } {
    const params: Record<string, string> = {
      app_id: this.opts.appId,
      method,
      format: 'JSON',
      charset: 'utf-8',
      sign_type: 'RSA2',
      timestamp: beijingTime(new Date()),
      version: '1.0',
      biz_content: JSON.stringify(biz),
    }
    params.sign = signParams(params, this.opts.privateKey)
    return { method, form: new URLSearchParams(params).toString() }
  }

  private async send({ method, form }: { method: string; form: string }): Promise<Call> {
    let reply
    try {
      reply = await post(this.opts.gatewayUrl, form, {
        contentType: 'application/x-www-form-urlencoded;charset=utf-8',
        timeoutMs: this.opts.timeoutMs,
        ca: this.opts.ca,
      })
    } catch (err) {
      return { ok: false, unsent: err instanceof PspUnreachable, detail: `Alipay: ${(err as Error).message}` }
    }
    if (reply.status !== 200) return { ok: false, unsent: false, detail: `Alipay answered HTTP ${reply.status}` }
    try {
      return { ok: true, node: verifiedResponse(reply.body, method, this.opts.alipayPublicKey) }
    } catch (err) {
      if (err instanceof AlipaySignatureError) return { ok: false, unsent: false, detail: `Alipay: ${err.message}` }
      throw err
    }
  }
}

function describe(node: Node): string {
  const parts = [node.code, node.msg, node.sub_code, node.sub_msg].filter((p) => typeof p === 'string' && p !== '')
  return `${parts.join(' ')} (Alipay)`
}

/** "yyyy-MM-dd HH:mm:ss" in Beijing time, as Alipay's timestamp parameter wants it. */
function beijingTime(d: Date): string {
  return new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ')
}
