/**
 * Giving a wallet payment back from the cashier screen's API on a real gateway with the
 * sandbox provider: the POS's paid charges listed and found (never a card top-up's), a
 * manager's PIN required, never more than was paid, a retry gives back once, and a refund
 * the provider did not answer shown as being given back until the gateway's asking again
 * gets it through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { hashPin, hashToken } from '../../gateway/auth/secrets.js'
import type { Gateway } from '../../gateway/runtime/gateway.js'
import type { SandboxProvider } from '../../gateway/payments/sandbox-provider.js'
import { posCharges } from '../helpers/payments.js'
import { CASHIER_PIN, POS_TOKEN, startStoreGateway } from '../helpers/vouchers.js'
import { waitFor } from '../helpers/wait.js'

const MANAGER_PIN = '97531'
const WALLET = '2847612345678' // + 5 digits: the sandbox's scenario is the last four

describe('wallet refunds at the till', () => {
  let gateway: Gateway
  let app: FastifyInstance
  let stop: () => Promise<void>
  let cookie = ''
  const { charge } = posCharges(() => app, 'till-refund')
  let n = 0
  const key = () => `till-refund-key-${++n}`
  const list = async (find?: string) => {
    const r = await app.inject({ url: `/api/till/payments${find ? `?find=${find}` : ''}`, headers: { cookie } })
    expect(r.statusCode).toBe(200)
    return r.json<{ reference: string; amount: number; refunded: number; refunding: number; left: number }[]>()
  }
  const refund = (charge: string, amount: number, managerPin = MANAGER_PIN, idempotencyKey = key()) =>
    app.inject({
      method: 'POST',
      url: '/api/till/payments/refund',
      headers: { cookie },
      payload: { idempotencyKey, charge, amount, managerPin },
    })

  beforeAll(async () => {
    ;({ gateway, app, stop } = await startStoreGateway({
      payments: { provider: 'sandbox', queryEveryMs: 50, answerWithinMs: 300 },
      till: {
        cashiers: [
          { id: 'ann', name: 'Ann', pinHash: await hashPin(CASHIER_PIN) },
          { id: 'mo', name: 'Mo', role: 'manager', pinHash: await hashPin(MANAGER_PIN) },
        ],
        posTokens: [{ name: 'pos-1', tokenHash: hashToken(POS_TOKEN) }],
      },
    }))
    const login = await app.inject({ method: 'POST', url: '/api/till/login', payload: { pin: CASHIER_PIN } })
    cookie = String(login.headers['set-cookie']).split(';')[0]!
  })
  afterAll(() => stop())

  it('needs a logged-in cashier', async () => {
    expect((await app.inject({ url: '/api/till/payments' })).statusCode).toBe(401)
    const r = await app.inject({
      method: 'POST',
      url: '/api/till/payments/refund',
      payload: { idempotencyKey: key(), charge: 'pos-1:x', amount: 1, managerPin: MANAGER_PIN },
    })
    expect(r.statusCode).toBe(401)
  })

  it('lists the paid charges newest first, finds one by amount or transaction number, never a declined one', async () => {
    expect((await charge(`${WALLET}00001`, 'sale-0001', 1_250)).json()).toMatchObject({ status: 'paid' })
    expect((await charge(`${WALLET}00000`, 'sale-0002', 4_000)).json()).toMatchObject({ status: 'declined' })
    const paid = (await charge(`${WALLET}00002`, 'sale-0003', 3_000)).json<{ transactionId: string }>()
    const all = await list()
    expect(all.map((l) => [l.reference, l.amount, l.left])).toEqual([
      ['pos-1:sale-0003', 3_000, 3_000],
      ['pos-1:sale-0001', 1_250, 1_250],
    ])
    expect(all[0]).toMatchObject({ pos: 'pos-1', wallet: 'alipay', maskedCode: '2847************02' })
    expect((await list('12.5')).map((l) => l.reference)).toEqual(['pos-1:sale-0001'])
    expect((await list('30')).map((l) => l.reference)).toEqual(['pos-1:sale-0003'])
    expect((await list(paid.transactionId.slice(-5))).map((l) => l.reference)).toEqual(['pos-1:sale-0003'])
    expect(await list('777')).toEqual([])
    const bad = await app.inject({ url: '/api/till/payments?find=12.505', headers: { cookie } })
    expect(bad.statusCode).toBe(400)
  })

  it("gives back part with a manager's PIN, once per key, recording who; never more than was paid", async () => {
    expect((await refund('pos-1:sale-0001', 500, CASHIER_PIN)).statusCode).toBe(403) // a cashier is not a manager
    const k = key()
    const first = await refund('pos-1:sale-0001', 500, MANAGER_PIN, k)
    expect(first.statusCode).toBe(200)
    expect(first.json()).toMatchObject({ status: 'refunded', amount: 500, refundId: expect.any(String) })
    expect((await refund('pos-1:sale-0001', 500, MANAGER_PIN, k)).json()).toEqual(first.json()) // a retry
    expect((await refund('pos-1:sale-0001', 600, MANAGER_PIN, k)).statusCode).toBe(409) // the key is that refund's
    const over = await refund('pos-1:sale-0001', 751)
    expect(over.statusCode).toBe(409)
    expect(over.json()).toMatchObject({ error: 'refund_exceeds_payment', message: expect.stringContaining('750') })
    expect((await list('12.50'))[0]).toMatchObject({ refunded: 500, refunding: 0, left: 750 })
    const started = gateway.journal.reader
      .prepare("SELECT device, payload FROM events WHERE type = 'payment.refund_started'")
      .all() as { device: string; payload: string }[]
    expect(started).toHaveLength(1)
    expect(JSON.parse(started[0]!.payload)).toMatchObject({ cashier: 'ann', approvedBy: 'mo', amount: 500 })
    expect((await refund('pos-1:sale-0002', 100)).json()).toMatchObject({ error: 'charge_not_paid' })
    expect((await refund('pos-1:nothing', 100)).json()).toMatchObject({ error: 'unknown_charge' })
  })

  it('shows a refund the provider did not answer as being given back, until asking again gets it through', async () => {
    const sandbox = gateway.pos.provider as SandboxProvider
    sandbox.online = false
    const r = await refund('pos-1:sale-0003', 3_000)
    expect(r.statusCode).toBe(202)
    expect(r.json()).toMatchObject({ status: 'pending' })
    expect((await list('30'))[0]).toMatchObject({ refunded: 0, refunding: 3_000, left: 0 })
    expect((await refund('pos-1:sale-0003', 1)).json()).toMatchObject({ error: 'refund_exceeds_payment' })
    sandbox.online = true
    await waitFor(async () => (await list('30'))[0]!.refunded === 3_000, 'the refund asked again', 15_000)
    expect((await list('30'))[0]).toMatchObject({ refunding: 0, left: 0 })
  })

  it("never gives back a member card's top-up (the card's reversal does, balance and all)", async () => {
    const member = await gateway.members.enrol({ phone: '13900002222', consents: { membership: true }, channel: 'pos' })
    const topUp = await app.inject({
      method: 'POST',
      url: '/api/pos/cards/topup',
      headers: { authorization: `Bearer ${POS_TOKEN}` },
      payload: {
        idempotencyKey: 'topup-0001',
        memberId: member.memberId,
        amount: 5_000,
        payment: { method: 'code', authCode: `${WALLET}00003` },
      },
    })
    expect(topUp.statusCode).toBe(201)
    expect((await list('50')).map((l) => l.reference)).toEqual([])
    const r = await refund('pos:pos-1:card-topup:topup-0001', 5_000)
    expect(r.statusCode).toBe(409)
    expect(r.json()).toMatchObject({ error: 'charge_is_card_topup' })
  })
})
