/**
 * Alipay face-to-face payment through a real gateway and a local HTTPS server that plays
 * Alipay as documented (test/helpers/alipay-server.ts): our RSA2 signatures checked by
 * it, its answers verified by us, and every answer it can give acted out — paid, declined,
 * waiting then paid, waiting for ever (cancelled), an answer too late for a charge that
 * went through (found, charged once), a forged "paid" (never believed), a failing cancel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Gateway } from '../../gateway/runtime/gateway.js'
import { silentLogger } from '../../gateway/log.js'
import { outTradeNo } from '../../gateway/payments/payment-provider.js'
import { alipayGateway, posCharges } from '../helpers/payments.js'
import { requireProgram } from '../helpers/system.js'
import { tempDir } from '../helpers/tmp.js'
import type { FakeAlipay } from '../../scripts/fake-alipay.js'

const ready = requireProgram('openssl', 'Alipay over HTTPS')
const CODE = '2847612345678' // + 5 digits: the fake Alipay's scenario is the last four

describe.skipIf(!ready)('Alipay face-to-face payment, against a local Alipay', () => {
  let tmp: ReturnType<typeof tempDir>
  let alipay: FakeAlipay
  let gateway: Gateway

  const { charge, untilDecided, refund } = posCharges(() => gateway.app, 'alipay-test')
  const tradeOf = (k: string) => outTradeNo(`pos-1:${k}`)

  beforeAll(async () => {
    tmp = tempDir()
    ;({ alipay, gateway } = await alipayGateway(
      tmp.dir,
      { confirmWithinMs: 2_000, queryEveryMs: 50, answerWithinMs: 300 },
      500,
    ))
  }, 60_000)
  afterAll(async () => {
    await gateway?.stop()
    await alipay?.stop()
    tmp?.cleanup()
  })

  it('pays at once with signatures both ways, the amount exact, the code sent only to Alipay', async () => {
    const r = await charge(`${CODE}00001`, 'alipay-paid-1', 1_999)
    expect(r.statusCode).toBe(200)
    expect(r.json()).toMatchObject({ status: 'paid', provider: 'alipay', amount: 1_999 })
    const trade = alipay.trades.get(tradeOf('alipay-paid-1'))!
    expect(trade.amount).toBe('19.99')
    expect(r.json()).toMatchObject({ transactionId: trade.tradeNo })
    expect(alipay.badSignatures).toBe(0)
  })

  it('declines what Alipay declines, in its words', async () => {
    const r = await charge(`${CODE}00000`)
    expect(r.json()).toMatchObject({ status: 'declined' })
    expect(r.json<{ detail: string }>().detail).toContain('ACQ.PAYMENT_AUTH_CODE_INVALID')
  })

  it('waits while the customer confirms (10003), querying, then paid', async () => {
    const r = await untilDecided(`${CODE}01111`, 'alipay-wait-1')
    expect(r.json()).toMatchObject({ status: 'paid' })
    expect(alipay.calls.filter((c) => c.method === 'alipay.trade.query').length).toBeGreaterThanOrEqual(3)
  })

  it('finds by the query a charge whose answer came too late, and charges the code once', async () => {
    const r = await untilDecided(`${CODE}03333`, 'alipay-late-1')
    expect(r.json()).toMatchObject({ status: 'paid' })
    expect(alipay.pays(tradeOf('alipay-late-1'))).toBe(1)
  })

  it('never believes a "paid" whose signature does not verify', async () => {
    const r = await untilDecided(`${CODE}05555`, 'alipay-forged-1')
    expect(r.json()).toMatchObject({ status: 'declined', detail: 'closed (Alipay)' })
  })

  it('cancels what is never confirmed, through a cancel that fails twice, and answers reversed', async () => {
    for (const [code, k] of [
      [`${CODE}02222`, 'alipay-never-1'],
      [`${CODE}06666`, 'alipay-never-2'],
    ] as const) {
      const r = await untilDecided(code, k)
      expect(r.json()).toMatchObject({ status: 'reversed' })
      expect(alipay.trades.get(tradeOf(k))!.state).toBe('TRADE_CLOSED')
    }
    expect(
      alipay.calls.filter((c) => c.method === 'alipay.trade.cancel' && c.outTradeNo === tradeOf('alipay-never-2')),
    ).toHaveLength(3)
  })

  it('refunds with alipay.trade.refund, asking again under the same number when the answer fails', async () => {
    alipay.failRefunds = 2
    const r = await refund('alipay-paid-1', 999, 'alipay-refund-1')
    expect(r.json()).toMatchObject({ status: 'refunded', amount: 999 })
    expect([...alipay.refunds.values()]).toEqual([{ outTradeNo: tradeOf('alipay-paid-1'), amount: '9.99' }])
    const again = await refund('alipay-paid-1', 1_001, 'alipay-refund-2')
    expect(again.json()).toMatchObject({ error: 'refund_exceeds_payment' })
  })

  it('refuses to start with a private key others can read, naming the key', async () => {
    const config = gateway.app.services.config
    const dir = join(tmp.dir, 'loose')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'alipay-app-private-key.pem'), 'x')
    chmodSync(join(dir, 'alipay-app-private-key.pem'), 0o644)
    await expect(Gateway.open({ config: { ...config, dataDir: dir }, log: silentLogger() })).rejects.toThrow(
      /payments\.alipay\.privateKeyFile: .*chmod 600/,
    )
  })
})
