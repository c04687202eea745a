/**
 * WeChat Pay by payment code through a real gateway and a local HTTPS server that plays
 * WeChat Pay API v2 as documented (scripts/fake-wechat.ts): HMAC-SHA256 both ways, the
 * client certificate on reversals, and each answer acted out — paid, declined,
 * USERPAYING then paid, USERPAYING for ever (reversed, through recall=Y), SYSTEMERROR on a
 * charge that went through (found, charged once), a forged SUCCESS (never believed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Gateway } from '../../gateway/runtime/gateway.js'
import { outTradeNo } from '../../gateway/payments/payment-provider.js'
import { FakeWechat } from '../../scripts/fake-wechat.js'
import { makeChain } from '../helpers/vouchers.js'
import { gatewayWithFiles, posCharges } from '../helpers/payments.js'
import { makeCertChain } from '../helpers/certs.js'
import { requireProgram } from '../helpers/system.js'
import { tempDir } from '../helpers/tmp.js'

const ready = requireProgram('openssl', 'WeChat Pay over HTTPS')
const CODE = '1345123456789' // + 5 digits: a WeChat Pay code; the fake's scenario is the last four
const API_KEY = 'Tillside0wechat0api0key000000032'

describe.skipIf(!ready)('WeChat Pay by payment code, against a local WeChat Pay', () => {
  let tmp: ReturnType<typeof tempDir>
  let wechat: FakeWechat
  let gateway: Gateway
  const { charge, untilDecided, refund } = posCharges(() => gateway.app, 'wechat-test')
  const orderOf = (k: string) => outTradeNo(`pos-1:${k}`)

  beforeAll(async () => {
    tmp = tempDir()
    const certs = makeCertChain(join(tmp.dir, 'certs'), ['merchant'])
    wechat = await new FakeWechat(
      { cert: readFileSync(certs.server.cert), key: readFileSync(certs.server.key), ca: readFileSync(certs.ca) },
      API_KEY,
    ).start()
    const chain = await makeChain(tmp.dir, [{ id: 'shop-a', merchant: 'm-a' }], undefined, {
      payments: {
        provider: 'wallets',
        confirmWithinMs: 2_000,
        queryEveryMs: 50,
        answerWithinMs: 300,
        wechat: {
          appId: 'wx0123456789abcdef',
          mchId: '1900000109',
          gatewayUrl: wechat.url,
          caFile: 'wechat-ca.pem',
          timeoutMs: 1_000,
        },
      },
    })
    gateway = await gatewayWithFiles(chain.stores.get('shop-a')!.config, {
      'wechat-api-key': `${API_KEY}\n`,
      'apiclient_cert.pem': readFileSync(certs.clients.merchant!.cert),
      'apiclient_key.pem': readFileSync(certs.clients.merchant!.key),
      'wechat-ca.pem': readFileSync(certs.ca),
    })
  }, 60_000)
  afterAll(async () => {
    await gateway?.stop()
    await wechat?.stop()
    tmp?.cleanup()
  })

  it('pays at once, signed both ways, the fee in fen as sent', async () => {
    const r = await charge(`${CODE}00001`, 'wechat-paid-1', 8_888)
    expect(r.statusCode).toBe(200)
    const order = wechat.orders.get(orderOf('wechat-paid-1'))!
    expect(r.json()).toMatchObject({ status: 'paid', provider: 'wechat', transactionId: order.transactionId })
    expect(order.fee).toBe('8888')
    expect(wechat.badSignatures).toBe(0)
  })

  it('declines what WeChat Pay declines, in its words; refuses an Alipay code it is not set up for', async () => {
    expect((await charge(`${CODE}00000`)).json()).toMatchObject({ status: 'declined' })
    const alipay = await charge('284761234567890123')
    expect(alipay.statusCode).toBe(503)
    expect(alipay.json<{ message: string }>().message).toContain('alipay payments are not set up at this store')
  })

  it('waits while the customer enters the password (USERPAYING), then paid', async () => {
    expect((await untilDecided(`${CODE}01111`, 'wechat-wait-1')).json()).toMatchObject({ status: 'paid' })
  })

  it('finds a charge answered SYSTEMERROR that went through, charged once', async () => {
    expect((await untilDecided(`${CODE}03333`, 'wechat-err-1')).json()).toMatchObject({ status: 'paid' })
    expect(wechat.micropays(orderOf('wechat-err-1'))).toBe(1)
  })

  it('never believes a SUCCESS whose signature does not verify', async () => {
    const r = await untilDecided(`${CODE}05555`, 'wechat-forged-1')
    expect(r.json()).toMatchObject({ status: 'declined', detail: 'CLOSED (WeChat Pay)' })
  })

  it('reverses what is never confirmed, with the client certificate, through recall=Y', async () => {
    const r = await untilDecided(`${CODE}02222`, 'wechat-never-1')
    expect(r.json()).toMatchObject({ status: 'reversed' })
    expect(wechat.orders.get(orderOf('wechat-never-1'))!.state).toBe('REVOKED')
    expect(wechat.reversalsWithoutCertificate).toBe(0)
    const reversals = wechat.calls.filter(
      (c) => c.path === '/secapi/pay/reverse' && c.outTradeNo === orderOf('wechat-never-1'),
    )
    expect(reversals).toHaveLength(2)
  })

  it('refunds with the client certificate, asking again under the same number after SYSTEMERROR', async () => {
    wechat.failRefunds = 1
    const r = await refund('wechat-paid-1', 8_888, 'wechat-refund-1')
    expect(r.json()).toMatchObject({ status: 'refunded', amount: 8_888 })
    expect([...wechat.refunds.values()]).toEqual([{ outTradeNo: orderOf('wechat-paid-1'), fee: 8_888 }])
  })
})
