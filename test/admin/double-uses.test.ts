/**
 * A double use the cloud reports (command double-use) in the store: malformed notices are
 * refused with the field named, older ones are stale, a further use opens a handled one
 * again, only a manager marks it handled (and that is journaled for the cloud), and the
 * overview's alarm counts the open ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { commandHandlers, type HandlerDeps } from '../../gateway/runtime/command-handlers.js'
import { DOUBLE_USE, parseDoubleUse, type DoubleUseNotice } from '../../sync/double-use-contract.js'
import { ContractError } from '../../sync/contract.js'
import { doubleUseNotice } from '../../sync/ingest/double-use-notices.js'
import { csrfOf, loggedIn, managerAndStaff } from '../helpers/admin.js'
import { startStoreGateway } from '../helpers/vouchers.js'

const PASSWORD = 'correct horse battery'
const at = (minute: number) => new Date(Date.UTC(2026, 11, 3, 9, minute)).toISOString()
const notice = (uses: number, detected: number): DoubleUseNotice => ({
  v: 1,
  voucherKey: '1:12:40',
  campaign: 12,
  maxUses: 1,
  issuerStore: 'shop-a',
  atRisk: { amount: (uses - 1) * 500, currency: 'CNY' },
  detectedAt: at(detected),
  uses: Array.from({ length: uses }, (_, i) => ({
    store: i === 0 ? 'shop-a' : `shop-${'bcd'[i - 1]}`,
    storeName: i === 0 ? null : `Partner ${i}`,
    seq: 10 + i,
    at: at(i),
    cashier: i === 0 ? 'ann' : 'someone-else',
    voided: false,
  })),
})

describe('a double use in the store', () => {
  let g: Awaited<ReturnType<typeof startStoreGateway>>
  let handle: (body: unknown) => Promise<string | void>

  beforeAll(async () => {
    g = await startStoreGateway({ admin: { users: await managerAndStaff(PASSWORD) } })
    const { config, backOffice } = g.app.services
    const handlers = commandHandlers({ config, doubleUses: backOffice.doubleUses } as unknown as HandlerDeps)
    handle = async (body) => handlers[DOUBLE_USE]!(body, { id: 'c', type: DOUBLE_USE })
  }, 30_000)
  afterAll(() => g?.stop())

  it('refuses a malformed notice, naming the field', () => {
    const bad = (patch: object, message: RegExp) =>
      expect(() => parseDoubleUse({ ...notice(2, 5), ...patch })).toThrow(message)
    bad({ v: 2 }, /double-use.v must be 1/)
    bad({ voucherKey: 'x' }, /voucherKey must be a voucher number/)
    bad({ uses: notice(2, 5).uses.slice(0, 1) }, /uses must list 2–200/)
    bad({ atRisk: { amount: -1, currency: 'CNY' } }, /atRisk must be/)
    bad({ uses: [{ ...notice(2, 5).uses[0], store: '../x' }, notice(2, 5).uses[1]] }, /uses\[0\].store/)
    expect(() => parseDoubleUse([])).toThrow(ContractError)
  })

  it('keeps the newest notice, names stores and cashiers, and counts it on the overview', async () => {
    const doubleUses = g.app.services.backOffice.doubleUses
    expect(await handle(notice(2, 5))).toBe('voucher 1:12:40: 2 redemption(s), 1 here')
    await expect(handle(notice(2, 4))).rejects.toMatchObject({ code: 'stale' })
    const [d] = doubleUses.list()
    expect(d!.uses.map((u) => [u.storeName, u.here, u.cashier])).toEqual([
      ['Store shop-a', true, 'Ann'],
      ['Partner 1', false, null], // the cloud's name; another store's cashier id means nothing here
    ])
    expect(d!.atRisk).toEqual({ amount: 500, currency: 'CNY' })
    const b = await loggedIn(g.app, 'mei', PASSWORD)
    const overview = (await b.get('/admin/api/overview')).json() as { alarms: { code: string; count?: number }[] }
    expect(overview.alarms).toContainEqual(expect.objectContaining({ code: 'double_use', count: 1 }))
  })

  it('lets only a manager mark it handled, journals that, and opens it again on a further use', async () => {
    const doubleUses = g.app.services.backOffice.doubleUses
    const staff = await loggedIn(g.app, 'sam', PASSWORD)
    const page = await staff.get('/admin/vouchers')
    expect(page.body).toContain('A manager marks it handled')
    const refused = await staff.post('/admin/vouchers/double-uses/handled', {
      _csrf: csrfOf(page.body),
      voucherKey: '1:12:40',
    })
    expect(refused.statusCode).toBe(403)
    expect(doubleUses.open().count).toBe(1)

    const manager = await loggedIn(g.app, 'mei', PASSWORD)
    const form = await manager.get('/admin/vouchers')
    const bad = await manager.post('/admin/vouchers/double-uses/handled', { _csrf: csrfOf(form.body), voucherKey: 'x' })
    expect(bad.statusCode).toBe(400)
    const done = await manager.post('/admin/vouchers/double-uses/handled', {
      _csrf: csrfOf(form.body),
      voucherKey: '1:12:40',
    })
    expect(done.statusCode).toBe(303)
    expect(doubleUses.open().count).toBe(0)
    expect(doubleUses.of('1:12:40')!.handled).toMatchObject({ by: 'Manager Mei' })
    const events = g.gateway.journal.reader
      .prepare("SELECT payload FROM events WHERE type = 'admin.double_use_handled'")
      .pluck()
      .all() as string[]
    expect(events.map((p) => JSON.parse(p))).toEqual([{ voucherKey: '1:12:40', user: 'mei' }])
    expect((await manager.get('/admin/vouchers?q=1:12:40')).body).toContain('Handled by Manager Mei')

    // The same uses again change nothing; a third use opens it again.
    await handle(notice(2, 6))
    expect(doubleUses.open().count).toBe(0)
    await handle(notice(3, 7))
    expect(doubleUses.open().count).toBe(1)
    expect(doubleUses.of('1:12:40')!.uses).toHaveLength(3)
  })

  it("builds the notice from the cloud's redemptions: value at risk after voids, item vouchers", () => {
    const use = (store: string, voided = false, value: object = { amount: 700, currency: 'CNY' }) => ({
      store,
      storeName: null,
      seq: 1,
      time: Date.UTC(2026, 11, 3),
      voided,
      payload: { maxUses: 1, issuerStore: 'a', cashier: 'c1', value },
    })
    const two = doubleUseNotice('1:3:9', [use('a'), use('b')])
    expect(parseDoubleUse(JSON.parse(JSON.stringify(two)))).toEqual(two)
    expect(two.atRisk).toEqual({ amount: 700, currency: 'CNY' })
    expect(doubleUseNotice('1:3:9', [use('a'), use('b', true)]).atRisk).toEqual({ amount: 0, currency: 'CNY' })
    expect(doubleUseNotice('1:3:9', [use('a', false, { item: { en: 'Tea' } }), use('b')]).atRisk).toBeNull()
  })
})
