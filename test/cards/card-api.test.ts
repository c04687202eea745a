/** The stored-value card through the POS API on a real gateway (journal, members, sandbox PSP), via app.inject. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Gateway } from '../../gateway/runtime/gateway.js'
import { hashPin, hashToken } from '../../gateway/auth/secrets.js'
import { CASHIER_PIN, POS_TOKEN, startStoreGateway } from '../helpers/vouchers.js'

const MANAGER_PIN = '97531'

describe('stored-value card: POS API', () => {
  let gateway: Gateway
  let app: FastifyInstance
  let stop: () => Promise<void>
  const auth = { authorization: `Bearer ${POS_TOKEN}` }
  const post = (url: string, payload: unknown) =>
    app.inject({ method: 'POST', url, payload: payload as object, headers: auth })
  const rows = (sql: string, ...args: unknown[]) => gateway.journal.reader.prepare(sql).all(...args)
  let key = 0
  const nextKey = () => `card-test-${++key}`.padEnd(10, '0')

  async function enrol(phone: string): Promise<string> {
    const r = await post('/api/pos/members', { phone, consents: { membership: true } })
    return r.json<{ memberId: string }>().memberId
  }
  const liveCode = (memberId: string) => gateway.members.currentCode(memberId)

  beforeAll(async () => {
    ;({ gateway, app, stop } = await startStoreGateway({
      payments: { provider: 'sandbox' },
      cards: {
        maxBalance: 60_000,
        maxTopUp: 50_000,
        idCheckAbove: 30_000,
        bonuses: [
          { from: 10_000, bonus: 2_000 },
          { from: 20_000, bonus: 5_000 },
        ],
      },
      till: {
        cashiers: [
          { id: 'ann', name: 'Ann', pinHash: await hashPin(CASHIER_PIN) },
          { id: 'mo', name: 'Mo', role: 'manager', pinHash: await hashPin(MANAGER_PIN) },
        ],
        posTokens: [{ name: 'pos-1', tokenHash: hashToken(POS_TOKEN) }],
      },
    }))
  })
  afterAll(() => stop())

  it('tops up with the bonus apart, once per key, and shows the statement', async () => {
    const member = await enrol('13800000001')
    const k = nextKey()
    const body = { idempotencyKey: k, memberId: member, amount: 10_000, payment: { method: 'cash' } }
    const first = await post('/api/pos/cards/topup', body)
    expect(first.statusCode).toBe(201)
    expect(first.json()).toMatchObject({
      memberId: member,
      currency: 'CNY',
      entry: { kind: 'topup', amount: 12_000, principal: 10_000, bonus: 2_000 },
      balance: { principal: 10_000, bonus: 2_000, total: 12_000 },
      repeated: false,
    })
    const again = await post('/api/pos/cards/topup', body)
    expect(again.statusCode).toBe(200)
    expect(again.json()).toMatchObject({ repeated: true, entry: first.json<{ entry: object }>().entry })
    const conflict = await post('/api/pos/cards/topup', { ...body, amount: 10_001 })
    expect(conflict.statusCode).toBe(409)
    expect(conflict.json()).toMatchObject({ error: 'idempotency_conflict' })
    const card = await app.inject({ url: `/api/pos/cards/${member}`, headers: auth })
    expect(card.json()).toMatchObject({ total: 12_000, principal: 10_000, bonus: 2_000 })
    expect(card.json<{ statement: unknown[] }>().statement).toHaveLength(1)
    expect(rows("SELECT e.type FROM outbox o JOIN events e USING (seq) WHERE e.type LIKE 'card.%'")).toHaveLength(1)
  })

  it('pays from the card only with the live member QR, in proportion, never below zero', async () => {
    const member = await enrol('13800000002')
    await post('/api/pos/cards/topup', {
      idempotencyKey: nextKey(),
      memberId: member,
      amount: 10_000,
      payment: { method: 'cash' },
    })
    const paid = await post('/api/pos/cards/debit', {
      idempotencyKey: nextKey(),
      memberCode: liveCode(member),
      amount: 6_000,
      reference: 'R-77',
    })
    expect(paid.statusCode).toBe(201)
    expect(paid.json()).toMatchObject({
      entry: { kind: 'debit', amount: 6_000, principal: -5_000, bonus: -1_000 },
      balance: { principal: 5_000, bonus: 1_000, total: 6_000 },
    })
    const tooMuch = await post('/api/pos/cards/debit', {
      idempotencyKey: nextKey(),
      memberCode: liveCode(member),
      amount: 6_001,
    })
    expect(tooMuch.statusCode).toBe(409)
    expect(tooMuch.json()).toMatchObject({ error: 'insufficient_balance' })
    expect(tooMuch.json<{ message: string }>().message).toContain('6000')
    const old = gateway.members.currentCode(member, Date.now() - 10 * 60_000)
    const screenshot = await post('/api/pos/cards/debit', { idempotencyKey: nextKey(), memberCode: old, amount: 1 })
    expect(screenshot.statusCode).toBe(422)
    expect(screenshot.json()).toMatchObject({ error: 'member_not_present' })
    const byId = await post('/api/pos/cards/debit', { idempotencyKey: nextKey(), memberId: member, amount: 1 })
    expect(byId.statusCode).toBe(400)
    const refused = rows("SELECT payload FROM events WHERE type = 'card.refused'").map((r) =>
      JSON.parse((r as { payload: string }).payload),
    )
    expect(refused).toContainEqual(
      expect.objectContaining({ memberId: member, action: 'debit', reason: 'insufficient_balance' }),
    )
    // Refunds go back in the payment's own split; together never more than was paid.
    const debitId = paid.json<{ entry: { id: string } }>().entry.id
    const r1 = await post('/api/pos/cards/refund', { idempotencyKey: nextKey(), debitId, amount: 2_000 })
    expect(r1.json()).toMatchObject({ entry: { kind: 'refund', principal: 1_666, bonus: 334 } })
    const r2 = await post('/api/pos/cards/refund', { idempotencyKey: nextKey(), debitId, amount: 4_000 })
    expect(r2.json()).toMatchObject({
      entry: { principal: 3_334, bonus: 666 },
      balance: { principal: 10_000, bonus: 2_000 },
    })
    const r3 = await post('/api/pos/cards/refund', { idempotencyKey: nextKey(), debitId, amount: 1 })
    expect(r3.statusCode).toBe(409)
    expect(r3.json()).toMatchObject({ error: 'refund_exceeds_debit' })
    const unknown = await post('/api/pos/cards/refund', {
      idempotencyKey: nextKey(),
      debitId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
      amount: 1,
    })
    expect(unknown.statusCode).toBe(404)
  })

  it('charges a payment code for a top-up and credits nothing when the wallet declines', async () => {
    const member = await enrol('13800000003')
    const ok = await post('/api/pos/cards/topup', {
      idempotencyKey: nextKey(),
      memberCode: liveCode(member),
      amount: 20_000,
      payment: { method: 'code', authCode: '284761234567890123' },
    })
    expect(ok.statusCode).toBe(201)
    expect(ok.json()).toMatchObject({ balance: { principal: 20_000, bonus: 5_000 } })
    const line = rows('SELECT method, reference FROM card_ledger WHERE member = ?', member)[0]
    expect(line).toMatchObject({ method: 'alipay', reference: expect.stringMatching(/^sandbox-alipay-/) })
    const declined = await post('/api/pos/cards/topup', {
      idempotencyKey: nextKey(),
      memberId: member,
      amount: 1_000,
      payment: { method: 'code', authCode: '284761234567890000' },
    })
    expect(declined.statusCode).toBe(402)
    expect(declined.json()).toMatchObject({ error: 'payment_declined' })
    expect(rows('SELECT * FROM card_ledger WHERE member = ?', member)).toHaveLength(1)
  })

  it('keeps the limits: one top-up, the balance, and the ID check', async () => {
    const member = await enrol('13800000004')
    const topUp = (amount: number, extra: object = {}) =>
      post('/api/pos/cards/topup', {
        idempotencyKey: nextKey(),
        memberId: member,
        amount,
        payment: { method: 'cash' },
        ...extra,
      })
    expect((await topUp(50_001)).json()).toMatchObject({ error: 'over_max_topup' })
    expect((await topUp(25_001)).json()).toMatchObject({ error: 'id_check_required' }) // 30,001 with the bonus
    expect(rows('SELECT * FROM cards WHERE member = ?', member)).toEqual([]) // a refused top-up opens no card
    expect((await topUp(25_001, { idChecked: true })).statusCode).toBe(201)
    const over = await topUp(25_000, { idChecked: true })
    expect(over.statusCode).toBe(422)
    expect(over.json()).toMatchObject({ error: 'over_max_balance' })
    expect(over.json<{ message: string }>().message).toContain('29999 more')
    const code = await post('/api/pos/cards/topup', {
      idempotencyKey: nextKey(),
      memberId: member,
      amount: 25_000,
      payment: { method: 'code', authCode: '284761234567890124' },
      idChecked: true,
    })
    expect(code.json()).toMatchObject({ error: 'over_max_balance' }) // refused before the wallet is charged
    expect(rows("SELECT * FROM events WHERE type = 'payment.paid' AND payload LIKE '%0124%'")).toHaveLength(0)
  })

  it('refuses bad amounts and bodies with the field named', async () => {
    const member = await enrol('13800000005')
    for (const amount of [0, -100, 10.5, 0.001, 1e12, 'abc', '', null, {}]) {
      const r = await post('/api/pos/cards/topup', {
        idempotencyKey: nextKey(),
        memberId: member,
        amount,
        payment: { method: 'cash' },
      })
      expect(r.statusCode, String(amount)).toBe(400)
      expect(r.json<{ message: string }>().message, String(amount)).toContain('amount')
    }
    const both = await post('/api/pos/cards/topup', {
      idempotencyKey: nextKey(),
      memberId: member,
      memberCode: liveCode(member),
      amount: 100,
      payment: { method: 'cash' },
    })
    expect(both.statusCode).toBe(400)
    const noCode = await post('/api/pos/cards/topup', {
      idempotencyKey: nextKey(),
      memberId: member,
      amount: 100,
      payment: { method: 'code' },
    })
    expect(noCode.statusCode).toBe(400)
    const stranger = await post('/api/pos/cards/topup', {
      idempotencyKey: nextKey(),
      memberId: 'ffffffffffffffffffff',
      amount: 100,
      payment: { method: 'cash' },
    })
    expect(stranger.statusCode).toBe(404)
    expect(stranger.json()).toMatchObject({ error: 'unknown_member' })
    const noCard = await post('/api/pos/cards/debit', {
      idempotencyKey: nextKey(),
      memberCode: liveCode(member),
      amount: 1,
    })
    expect(noCard.json()).toMatchObject({ error: 'no_card' })
  })

  it("reverses a top-up with a manager's PIN, once, and not once it is spent", async () => {
    const member = await enrol('13800000006')
    const top = await post('/api/pos/cards/topup', {
      idempotencyKey: nextKey(),
      memberId: member,
      amount: 10_000,
      payment: { method: 'cash' },
    })
    const topUpId = top.json<{ entry: { id: string } }>().entry.id
    const reverse = (pin: string, k = nextKey()) =>
      post('/api/pos/cards/reverse', { idempotencyKey: k, topUpId, managerPin: pin })
    expect((await reverse(CASHIER_PIN)).statusCode).toBe(403) // a cashier is not a manager
    const k = nextKey()
    const done = await reverse(MANAGER_PIN, k)
    expect(done.statusCode).toBe(201)
    expect(done.json()).toMatchObject({
      entry: { kind: 'reversal', principal: -10_000, bonus: -2_000 },
      balance: { total: 0 },
    })
    expect((await reverse(MANAGER_PIN, k)).statusCode).toBe(200)
    expect((await reverse(MANAGER_PIN)).json()).toMatchObject({ error: 'already_reversed' })
    expect(rows("SELECT approver FROM card_ledger WHERE kind = 'reversal' AND member = ?", member)).toEqual([
      { approver: 'mo' },
    ])

    const second = await post('/api/pos/cards/topup', {
      idempotencyKey: nextKey(),
      memberId: member,
      amount: 5_000,
      payment: { method: 'cash' },
    })
    await post('/api/pos/cards/debit', { idempotencyKey: nextKey(), memberCode: liveCode(member), amount: 100 })
    const spent = await post('/api/pos/cards/reverse', {
      idempotencyKey: nextKey(),
      topUpId: second.json<{ entry: { id: string } }>().entry.id,
      managerPin: MANAGER_PIN,
    })
    expect(spent.json()).toMatchObject({ error: 'balance_spent' })
  })

  it("closes a card with a manager's PIN: the principal handed back, the bonus forfeited", async () => {
    const member = await enrol('13800000007')
    await post('/api/pos/cards/topup', {
      idempotencyKey: nextKey(),
      memberId: member,
      amount: 10_000,
      payment: { method: 'cash' },
    })
    await post('/api/pos/cards/debit', { idempotencyKey: nextKey(), memberCode: liveCode(member), amount: 6_000 })
    const payout = (pin: string, k = nextKey()) =>
      post('/api/pos/cards/payout', { idempotencyKey: k, memberId: member, managerPin: pin })
    expect((await payout(CASHIER_PIN)).statusCode).toBe(403)
    const closed = await payout(MANAGER_PIN)
    expect(closed.statusCode).toBe(201)
    expect(closed.json()).toMatchObject({
      entry: { kind: 'payout', principal: -5_000, bonus: -1_000 },
      balance: { principal: 0, bonus: 0, total: 0 },
    })
    const event = rows("SELECT payload FROM events WHERE type = 'card.paid_out'").map((r) =>
      JSON.parse((r as { payload: string }).payload),
    )
    expect(event).toEqual([
      expect.objectContaining({ memberId: member, paidOut: 5_000, forfeited: 1_000, approver: 'mo' }),
    ])
    expect((await payout(MANAGER_PIN)).json()).toMatchObject({ error: 'no_card' })
  })

  it('keeps every balance equal to its ledger, and the ledger append-only', () => {
    expect(gateway.cards.ledgerMismatches()).toEqual([])
    const [line] = rows('SELECT id FROM card_ledger LIMIT 1') as { id: string }[]
    expect(() =>
      gateway.journal.reader.prepare('UPDATE card_ledger SET principal = 0 WHERE id = ?').run(line!.id),
    ).toThrow()
  })
})
