/**
 * Privacy as the consent text promises: a member forgotten on request (the manager's back
 * office) or after the retention period loses their phone, consents and profile and their
 * QR stops working; money records stay, pseudonymous; a card with money is never forgotten.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashPassword } from '../../gateway/auth/secrets.js'
import { silentLogger } from '../../gateway/log.js'
import { MemberRetention } from '../../gateway/members/member-retention.js'
import { csrfOf, loggedIn } from '../helpers/admin.js'
import { startStoreGateway } from '../helpers/vouchers.js'

const PASSWORD = 'a long manager password'
const MONTH = 30 * 86_400_000

describe('forgetting members', () => {
  let g: Awaited<ReturnType<typeof startStoreGateway>>
  const pos = { key: 'pos:test', cashier: null, device: 'pos:test' }
  const enrol = async (phone: string) =>
    (await g.gateway.members.enrol({ phone, consents: { membership: true, marketing: true }, channel: 'pos' })).memberId
  const db = () => g.gateway.journal.reader
  const count = (sql: string, ...args: unknown[]) =>
    db()
      .prepare(sql)
      .pluck()
      .get(...args) as number

  beforeAll(async () => {
    g = await startStoreGateway({
      admin: {
        users: [{ id: 'mei', name: 'Manager Mei', role: 'manager', passwordHash: await hashPassword(PASSWORD) }],
      },
    })
  })
  afterAll(() => g.stop())

  it('forgets on request from the back office: phone, consents, profile and QR gone; money records kept', async () => {
    const member = await enrol('13800000101')
    const code = g.gateway.members.currentCode(member)
    await g.gateway.cards.topUp(pos, {
      idempotencyKey: 'forget-1',
      memberId: member,
      amount: 500,
      payment: { method: 'cash' },
    })
    const manager = await loggedIn(g.app, 'mei', PASSWORD)
    const page = await manager.get('/admin/members?lang=en&phone=13800000101')
    expect(page.body).toContain('Forget this member')
    // The money cards hold is what the store owes: on the members page.
    expect(page.body).toMatch(
      /Held on 1 member card \(owed to members\)<\/span><strong>¥5\.00<small>of which ¥0\.00 bonus/,
    )
    // Money on the card: refused in plain words.
    const held = await manager.post('/admin/members/forget', { _csrf: csrfOf(page.body), member, confirm: 'yes' })
    expect(held.body).toContain('Their card still holds money')
    await g.gateway.cards.debit(pos, { idempotencyKey: 'forget-2', memberId: member, amount: 500 })
    const unconfirmed = await manager.post('/admin/members/forget', { _csrf: csrfOf(page.body), member })
    expect(unconfirmed.body).toContain('Tick the box')
    const done = await manager.post('/admin/members/forget', { _csrf: csrfOf(page.body), member, confirm: 'yes' })
    expect(done.statusCode).toBe(303)
    expect((await manager.get('/admin/members?lang=en&forgotten=1')).body).toContain('The member was forgotten')

    expect(g.gateway.members.findByPhone('13800000101')).toBeNull()
    expect(g.gateway.members.identify(code)).toMatchObject({ ok: false, reason: 'unknown_member' })
    expect(count('SELECT count(*) FROM member_consents WHERE member = ?', member)).toBe(0)
    expect(count('SELECT count(*) FROM member_profiles WHERE member = ?', member)).toBe(0)
    expect(
      count("SELECT count(*) FROM members WHERE id = ? AND phone_enc = '' AND forgotten_at IS NOT NULL", member),
    ).toBe(1)
    expect(count('SELECT count(*) FROM card_ledger WHERE member = ?', member)).toBe(2) // the law keeps these
    const forgotten = db()
      .prepare("SELECT e.payload FROM events e JOIN outbox o USING (seq) WHERE e.type = 'member.forgotten'")
      .pluck()
      .all() as string[]
    expect(forgotten.map((p) => JSON.parse(p))).toEqual([{ memberId: member, reason: 'request', by: 'admin:mei' }])
    // The same phone may join again: a new member, nothing carried over.
    const again = await enrol('13800000101')
    expect(again).not.toBe(member)
    expect(g.gateway.cards.summary(again).total).toBe(0)
  })

  it('forgets members not seen for the retention period, except those whose card holds money', async () => {
    const quiet = await enrol('13800000102')
    const saver = await enrol('13800000103')
    await g.gateway.cards.topUp(pos, {
      idempotencyKey: 'forget-3',
      memberId: saver,
      amount: 100,
      payment: { method: 'cash' },
    })
    const retention = new MemberRetention(g.gateway.members, 24, silentLogger())
    expect(await retention.runOnce(Date.now() + 23 * MONTH)).toBe(0) // not yet
    const forgotten = await retention.runOnce(Date.now() + 25 * MONTH)
    expect(forgotten).toBeGreaterThanOrEqual(1)
    expect(g.gateway.members.findByPhone('13800000102')).toBeNull()
    expect(g.gateway.members.findByPhone('13800000103')).toBe(saver)
    expect(count('SELECT count(*) FROM members WHERE id = ? AND forgotten_at IS NOT NULL', quiet)).toBe(1)
    expect(await retention.runOnce(Date.now() + 25 * MONTH)).toBe(0) // nothing twice
    await expect(g.gateway.members.forget(quiet, 'request', 'member')).rejects.toMatchObject({ code: 'unknown_member' })
  })
})
