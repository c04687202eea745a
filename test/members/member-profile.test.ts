/**
 * Member profiles are kept by the writer in the transactions that record what a member
 * did — enrolling, a play, a voucher won and used, a void, sales (named or through a member
 * voucher), a card movement — and the migration's backfill from the tables gives the same
 * figures as the incremental upkeep.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import Database from 'better-sqlite3'
import type { Gateway } from '../../gateway/runtime/gateway.js'
import { MIGRATIONS } from '../../gateway/store/migrations.js'
import { localDayAndMonth } from '../../gateway/store/tx/member-profile.js'
import { CASHIER_PIN, POS_TOKEN, startStoreGateway } from '../helpers/vouchers.js'

describe('member profiles', () => {
  let gateway: Gateway
  let app: FastifyInstance
  let stop: () => Promise<void>
  const auth = { authorization: `Bearer ${POS_TOKEN}` }
  const post = <T>(url: string, payload: object) =>
    app.inject({ method: 'POST', url, payload, headers: auth }).then((r) => {
      expect(r.statusCode, `${url}: ${r.body}`).toBeLessThan(300)
      return r.json<T>()
    })
  const profileOf = (member: string) =>
    gateway.journal.reader.prepare('SELECT * FROM member_profiles WHERE member = ?').get(member) as Record<
      string,
      number
    >

  beforeAll(async () => ({ gateway, app, stop } = await startStoreGateway({ payments: { provider: 'sandbox' } })))
  afterAll(() => stop())

  it('counts plays, vouchers, uses, voids, sales and visits as they happen', async () => {
    const { memberId } = await post<{ memberId: string }>('/api/pos/members', {
      phone: '13800001234',
      consents: { membership: true },
    })
    expect(profileOf(memberId)).toMatchObject({ visits: 1, plays: 0, vouchers_won: 0, sales_count: 0 })
    const a = await post<{ code: string }>('/api/pos/vouchers/issue', { campaign: 12, member: memberId })
    const b = await post<{ code: string }>('/api/pos/vouchers/issue', { campaign: 12, member: memberId })
    const used = await post<{ redemptionId: string }>('/api/pos/vouchers/redeem', { code: a.code, cashier: 'ann' })
    const usedB = await post<{ redemptionId: string }>('/api/pos/vouchers/redeem', { code: b.code, cashier: 'ann' })
    await post('/api/pos/vouchers/void', { redemptionId: usedB.redemptionId, cashier: 'ann', pin: CASHIER_PIN })
    // A sale that names no member but took the member's voucher is the member's.
    await post('/api/pos/sales', {
      idempotencyKey: 'profile-sale-1',
      amount: 5_000,
      currency: 'CNY',
      payments: [{ method: 'cash', amount: 5_000 }],
      redemptions: [used.redemptionId],
    })
    await post('/api/pos/sales', {
      idempotencyKey: 'profile-sale-2',
      amount: 1_200,
      currency: 'CNY',
      payments: [{ method: 'member_card', amount: 1_200 }],
      member: memberId,
    })
    // Someone else's id from a POS: recorded as given, counted for nobody.
    await post('/api/pos/sales', {
      idempotencyKey: 'profile-sale-3',
      amount: 99,
      currency: 'CNY',
      payments: [{ method: 'cash', amount: 99 }],
      member: 'ffffffffffffffffffff',
    })
    await post('/api/pos/cards/topup', {
      idempotencyKey: 'profile-card-1',
      memberId,
      amount: 100,
      payment: { method: 'cash' },
    })
    expect(profileOf(memberId)).toMatchObject({
      visits: 1, // all today
      vouchers_won: 2,
      vouchers_redeemed: 1, // two used, one voided
      sales_count: 2,
      sales_total: 6_200,
    })
    const { month } = localDayAndMonth(Date.now())
    expect(gateway.journal.reader.prepare('SELECT * FROM member_months').all()).toEqual([
      { member: memberId, month, visits: 1, sales_count: 2, sales_total: 6_200 },
    ])
    expect(gateway.journal.reader.prepare('SELECT count(*) FROM member_profiles').pluck().get()).toBe(1)
  })

  it('builds the same profiles from the tables when a store upgrades (migration 15)', () => {
    const db = gateway.journal.reader
    const kept = {
      profiles: db.prepare('SELECT * FROM member_profiles ORDER BY member').all(),
      months: db.prepare('SELECT * FROM member_months ORDER BY member, month').all(),
    }
    const backfill = MIGRATIONS.find((m) => m.version === 15)!.sql
    const again = new Database(':memory:')
    try {
      again.exec(`ATTACH '${gateway.journal.file}' AS store`)
      for (const t of [
        'members',
        'kiosk_plays',
        'vouchers_issued',
        'redemptions',
        'sales',
        'portal_sessions',
        'card_ledger',
      ])
        again.exec(`CREATE TABLE main.${t} AS SELECT * FROM store.${t}`)
      again.exec(backfill)
      expect({
        profiles: again.prepare('SELECT * FROM member_profiles ORDER BY member').all(),
        months: again.prepare('SELECT * FROM member_months ORDER BY member, month').all(),
      }).toEqual(kept)
    } finally {
      again.close()
    }
  })
})
