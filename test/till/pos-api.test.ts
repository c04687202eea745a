/** The POS API against a real gateway (journal, vouchers, members, sandbox PSP), through app.inject. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Gateway } from '../../gateway/runtime/gateway.js'
import type { SandboxProvider } from '../../gateway/payments/sandbox-provider.js'
import { CASHIER_PIN, POS_TOKEN, startStoreGateway } from '../helpers/vouchers.js'

describe('POS API', () => {
  let gateway: Gateway
  let app: FastifyInstance
  const auth = { authorization: `Bearer ${POS_TOKEN}` }
  const post = (url: string, payload: unknown, headers: Record<string, string> = auth) =>
    app.inject({ method: 'POST', url, payload: payload as object, headers })
  const events = (type: string) =>
    gateway.journal.reader
      .prepare('SELECT payload FROM events WHERE type = ? ORDER BY seq')
      .pluck()
      .all(type) as string[]

  let stop: () => Promise<void>
  beforeAll(async () => ({ gateway, app, stop } = await startStoreGateway({ payments: { provider: 'sandbox' } })))
  afterAll(() => stop())

  it('refuses requests without a valid token', async () => {
    expect((await post('/api/pos/vouchers/validate', { code: 'x' }, {})).statusCode).toBe(401)
    expect(
      (await post('/api/pos/vouchers/validate', { code: 'x' }, { authorization: 'Bearer wrong' })).json(),
    ).toMatchObject({ error: 'unauthorized' })
  })

  it('issues, validates, redeems and voids (with the PIN) a voucher', async () => {
    const issued = await post('/api/pos/vouchers/issue', { campaign: 12 })
    expect(issued.statusCode).toBe(201)
    const { code } = issued.json<{ code: string }>()
    expect((await post('/api/pos/vouchers/validate', { code })).json()).toMatchObject({
      ok: true,
      usesLeft: 1,
      voucher: { key: '1:12:1' },
    })
    const redeemed = (await post('/api/pos/vouchers/redeem', { code, cashier: 'ann', saleRef: 'R-1' })).json<{
      ok: boolean
      redemptionId: string
    }>()
    expect(redeemed.ok).toBe(true)
    expect((await post('/api/pos/vouchers/validate', { code })).json()).toMatchObject({
      ok: false,
      reason: 'already_redeemed',
    })
    expect(
      (await post('/api/pos/vouchers/void', { redemptionId: redeemed.redemptionId, cashier: 'ann', pin: '0000' }))
        .statusCode,
    ).toBe(403)
    expect(
      (
        await post('/api/pos/vouchers/void', { redemptionId: redeemed.redemptionId, cashier: 'ann', pin: CASHIER_PIN })
      ).json(),
    ).toMatchObject({ ok: true })
    expect((await post('/api/pos/vouchers/issue', { campaign: 999 })).statusCode).toBe(404)
    expect((await post('/api/pos/vouchers/redeem', { code: 'TS1:\u0001' })).json()).toMatchObject({
      ok: false,
      reason: 'malformed',
    })
  })

  it('records a sale once per idempotency key, and refuses a key reused for another sale', async () => {
    const sale = {
      idempotencyKey: 'sale-0001',
      amount: 3500,
      currency: 'CNY',
      payments: [
        { method: 'cash', amount: 1500 },
        { method: 'voucher', amount: 2000 },
      ],
      reference: 'R-1',
    }
    const first = await post('/api/pos/sales', sale)
    expect(first.statusCode).toBe(201)
    const again = await post('/api/pos/sales', sale)
    expect(again.statusCode).toBe(200)
    expect(again.json()).toEqual({ ...first.json(), repeated: true })
    expect(
      (await post('/api/pos/sales', { ...sale, amount: 3600, payments: [{ method: 'cash', amount: 3600 }] })).json(),
    ).toMatchObject({ error: 'idempotency_conflict' })
    expect((await post('/api/pos/sales', { ...sale, idempotencyKey: 'sale-0002', amount: 1 })).json()).toMatchObject({
      error: 'payments_mismatch',
    })
    expect(events('pos.sale')).toHaveLength(1)
    expect(gateway.journal.reader.prepare("SELECT count(*) FROM outbox WHERE type = 'pos.sale'").pluck().get()).toBe(1)
  })

  it('charges payment codes through the provider once per key, masks them, and refuses at once when offline', async () => {
    const charge = { idempotencyKey: 'pay-0001', authCode: '134567890123456789', amount: 1500, currency: 'CNY' }
    const paid = await post('/api/pos/payments/charge', charge)
    expect(paid.json()).toMatchObject({ status: 'paid', provider: 'sandbox', maskedCode: '1345************89' })
    expect((await post('/api/pos/payments/charge', charge)).json()).toEqual(paid.json())
    expect(
      (
        await post('/api/pos/payments/charge', {
          ...charge,
          idempotencyKey: 'pay-0002',
          authCode: '284567890123450000',
        })
      ).json(),
    ).toMatchObject({ status: 'declined' })
    expect(
      (
        await post('/api/pos/payments/charge', { ...charge, idempotencyKey: 'pay-0003', authCode: '9999999999999999' })
      ).json(),
    ).toMatchObject({ error: 'not_a_payment_code' })
    const sandbox = gateway.pos.provider as SandboxProvider
    sandbox.online = false
    const offline = await post('/api/pos/payments/charge', { ...charge, idempotencyKey: 'pay-0004' })
    expect(offline.statusCode).toBe(503)
    expect(offline.json()).toMatchObject({ error: 'payment_offline' })
    sandbox.online = true
    expect((await post('/api/pos/payments/charge', { ...charge, idempotencyKey: 'pay-0004' })).json()).toMatchObject({
      status: 'paid',
    }) // not remembered as refused
    expect(events('payment.paid')).toHaveLength(2)
    expect(events('payment.refused_offline')).toHaveLength(1)
    const all = gateway.journal.reader.prepare('SELECT payload FROM events').pluck().all() as string[]
    expect(all.some((p) => p.includes('134567890123456789'))).toBe(false)
  })

  it('enrols members with consent and serves the live member code', async () => {
    const r = await post('/api/pos/members', {
      phone: '+86 139-0013-9000',
      consents: { membership: true, marketing: false },
    })
    expect(r.statusCode).toBe(201)
    const { memberId } = r.json<{ memberId: string }>()
    expect((await post('/api/pos/members', { phone: '13900139000', consents: { membership: true } })).statusCode).toBe(
      200,
    )
    expect((await post('/api/pos/members', { phone: '13900139000', consents: { membership: false } })).statusCode).toBe(
      422,
    )
    expect((await post('/api/pos/members', { phone: '123', consents: { membership: true } })).json()).toMatchObject({
      error: 'invalid_phone',
    })
    const code = await app.inject({ method: 'GET', url: `/api/pos/members/${memberId}/code`, headers: auth })
    expect(gateway.members.identify(code.json<{ code: string }>().code)).toEqual({ ok: true, memberId })
  })

  it('serves the OpenAPI document with the POS routes at /docs', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json<{ paths: Record<string, unknown> }>()
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/pos/vouchers/redeem',
        '/api/pos/sales',
        '/api/pos/payments/charge',
        '/api/pos/members',
      ]),
    )
    expect((await app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400)
  })
})
