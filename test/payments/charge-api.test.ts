/**
 * Payment-code charges through the POS API on a real gateway with the sandbox provider
 * acting out each answer (docs/payments.md): 202 while the customer confirms, the same key
 * asked again until it is decided; a lost answer found paid and charged once; a charge
 * never confirmed cancelled and answered "reversed"; a charge in flight across a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Gateway } from '../../gateway/runtime/gateway.js'
import { silentLogger } from '../../gateway/log.js'
import { makeChain } from '../helpers/vouchers.js'
import { posCharges } from '../helpers/payments.js'
import { tempDir } from '../helpers/tmp.js'
import type { Config } from '../../config/schema.js'

const WALLET = '2847612345678' // + 5 digits: the sandbox's scenario is the last four

describe('payment-code charges through the POS API', () => {
  let tmp: ReturnType<typeof tempDir>
  let config: Config
  let gateway: Gateway
  const { charge, untilDecided, refund } = posCharges(() => gateway.app, 'charge-test')
  const events = (type: string) =>
    gateway.journal.reader.prepare('SELECT count(*) FROM events WHERE type = ?').pluck().get(type)

  beforeAll(async () => {
    tmp = tempDir()
    const chain = await makeChain(tmp.dir, [{ id: 'shop-a', merchant: 'm-a' }], undefined, {
      payments: { provider: 'sandbox', confirmWithinMs: 800, queryEveryMs: 50, answerWithinMs: 150 },
    })
    config = chain.stores.get('shop-a')!.config
    gateway = await Gateway.open({ config, log: silentLogger() })
    await gateway.start()
  })
  afterAll(async () => {
    await gateway?.stop()
    tmp?.cleanup()
  })

  it('pays at once, and answers a retry from the first time', async () => {
    const r = await charge(`${WALLET}00001`, 'charge-once-1')
    expect(r.statusCode).toBe(200)
    expect(r.json()).toMatchObject({ status: 'paid', provider: 'sandbox', maskedCode: '2847************01' })
    expect((await charge(`${WALLET}00001`, 'charge-once-1')).json()).toEqual(r.json())
    expect((await charge(`${WALLET}00001`, 'charge-once-1', 99)).statusCode).toBe(409)
  })

  it('says pending (202) while the customer confirms on the phone, then paid', async () => {
    const k = 'charge-confirm-1'
    const r = await untilDecided(`${WALLET}01111`, k)
    expect(r.json()).toMatchObject({ status: 'paid' })
    expect(gateway.pos.protocol.attempt(`pos-1:${k}`)).toMatchObject({ state: 'paid', pending: true })
  })

  it('finds a charge whose answer was lost, paid once', async () => {
    const before = events('payment.paid')
    const r = await untilDecided(`${WALLET}03333`, 'charge-lost-1')
    expect(r.json()).toMatchObject({ status: 'paid' })
    expect(events('payment.paid')).toBe((before as number) + 1)
  })

  it('cancels what is never confirmed and answers reversed: nothing charged', async () => {
    const first = await charge(`${WALLET}02222`, 'charge-never-1')
    expect(first.statusCode).toBe(202)
    expect(first.json()).toMatchObject({ status: 'pending', phase: 'confirming' })
    for (const [code, k] of [
      [`${WALLET}02222`, 'charge-never-1'],
      [`${WALLET}04444`, 'charge-never-2'],
    ] as const) {
      const r = await untilDecided(code, k)
      expect(r.statusCode).toBe(200)
      expect(r.json()).toMatchObject({ status: 'reversed' })
    }
    expect(events('payment.reversed')).toBe(2)
  })

  it('refunds a paid charge in parts, never more than was paid, once per key', async () => {
    expect((await charge(`${WALLET}00002`, 'charge-refund-1', 1_000)).json()).toMatchObject({ status: 'paid' })
    const first = await refund('charge-refund-1', 600, 'refund-test-1')
    expect(first.statusCode).toBe(200)
    expect(first.json()).toMatchObject({ status: 'refunded', amount: 600 })
    expect((await refund('charge-refund-1', 600, 'refund-test-1')).json()).toEqual(first.json())
    expect((await refund('charge-refund-1', 700, 'refund-test-1')).statusCode).toBe(409) // same key, other amount
    const over = await refund('charge-refund-1', 500)
    expect(over.statusCode).toBe(409)
    expect(over.json()).toMatchObject({ error: 'refund_exceeds_payment' })
    expect((await refund('charge-refund-1', 400)).json()).toMatchObject({ status: 'refunded' })
    expect((await refund('charge-never-1', 100)).json()).toMatchObject({ error: 'charge_not_paid' })
    expect((await refund('no-such-charge', 100)).statusCode).toBe(404)
    expect(events('payment.refunded')).toBe(2)
  })

  it('resumes a charge left in flight when the gateway starts again', async () => {
    const k = 'charge-restart-1'
    expect((await charge(`${WALLET}02222`, k)).statusCode).toBe(202)
    await gateway.stop()
    gateway = await Gateway.open({ config, log: silentLogger() })
    await gateway.start()
    // A new sandbox knows nothing of it: never found, so cancelled — never left hanging.
    await expect.poll(() => gateway.pos.protocol.attempt(`pos-1:${k}`)?.state, { timeout: 15_000 }).toBe('reversed')
    expect((await charge(`${WALLET}02222`, k)).json()).toMatchObject({ status: 'reversed' })
  })
})
