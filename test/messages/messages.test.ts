/**
 * Messages to followers on a real gateway (journal, members, vouchers): only members who
 * follow the store get a message, only those who also accept offers get an offer, each
 * with their own voucher in the same transaction; the weekly cap holds; a fan-out stopped
 * part way resumes after the last member it wrote, none twice; unsubscribing withdraws the
 * consent at once; and attribution follows a message to the sale its voucher was part of.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Gateway } from '../../gateway/runtime/gateway.js'
import { startStoreGateway } from '../helpers/vouchers.js'

describe('messages to followers', () => {
  let gateway: Gateway
  let stop: () => Promise<void>
  const offerTakers: string[] = []
  const followersOnly: string[] = []
  const db = () => gateway.journal.reader
  const count = (sql: string, ...args: unknown[]) =>
    db()
      .prepare(sql)
      .pluck()
      .get(...args) as number
  const hello = { title: { en: 'New autumn teas', zh: '秋季新茶' }, body: { en: 'Come and taste', zh: '欢迎品尝' } }

  beforeAll(async () => {
    ;({ gateway, stop } = await startStoreGateway({
      store: { id: 'shop-a', name: 'Corner Tea', merchant: 'm-a', languages: ['zh', 'en'] },
      messages: { quietHours: null, batchSize: 10, maxPerWeek: 3 },
    }))
    let phone = 13900000000
    const enrol = async (consents: { followStore?: boolean; marketing?: boolean }) =>
      (
        await gateway.members.enrol({
          phone: String(++phone),
          consents: { membership: true, ...consents },
          channel: 'portal',
        })
      ).memberId
    for (let i = 0; i < 30; i++) offerTakers.push(await enrol({ followStore: true, marketing: true }))
    for (let i = 0; i < 10; i++) followersOnly.push(await enrol({ followStore: true, marketing: false }))
    for (let i = 0; i < 10; i++) await enrol({ followStore: false })
  })
  afterAll(() => stop())

  it('refuses what is not a message, naming the field, and a message nobody may get', async () => {
    const compose = (input: object) =>
      gateway.messages.compose({ ...hello, audience: 'followers', ...input }, 'admin:mo')
    await expect(compose({ title: { en: 'x'.repeat(61), zh: '秋' } })).rejects.toThrow(/title\.en: longer than 60/)
    await expect(compose({ title: { en: 'Hi' }, body: { en: 'Hi', zh: '你好' } })).rejects.toThrow(/title\.zh: missing/)
    await expect(compose({ title: { fr: 'Salut' }, body: { fr: 'Salut' } })).rejects.toThrow(/title\.fr: fr is not/)
    await expect(compose({ image: 'data:image/png;base64,/9j/4AAQSkZJRg==' })).rejects.toThrow(
      /image: says image\/png but is image\/jpeg/,
    )
    await expect(compose({ campaign: 999 })).rejects.toMatchObject({ code: 'invalid_offer' })
    await expect(compose({ audience: 'unredeemed' })).rejects.toMatchObject({
      code: 'no_recipients',
      message: expect.stringContaining('is in the audience "unredeemed"'),
    })
    expect(count('SELECT count(*) FROM messages')).toBe(0)
  })

  it('previews the audience, then reaches every follower once, in steps, and nobody else', async () => {
    expect(gateway.messages.preview({ ...hello, audience: 'followers' }).audience).toEqual({
      consenting: 40,
      inAudience: 40,
      capped: 0,
      reach: 40,
    })
    const { messageId } = await gateway.messages.compose({ ...hello, audience: 'followers' }, 'admin:mo')
    await waitSent(messageId)
    expect(count('SELECT count(*) FROM message_recipients WHERE message = ?', messageId)).toBe(40)
    expect(count("SELECT count(*) FROM events WHERE type = 'message.fanned_out'")).toBeGreaterThanOrEqual(4)
    expect(gateway.messages.message(messageId)).toMatchObject({ state: 'sent', delivered: 40, walked: 50, capped: 0 })
    expect(gateway.messages.unread(followersOnly[0]!)).toBe(1)
  })

  it('resumes a fan-out stopped part way after the last member it wrote, none twice', async () => {
    await gateway.fanOut.stop()
    const { messageId } = await gateway.messages.compose(
      { title: { en: 'Tea class' }, body: { en: 'Saturday 3 pm' }, audience: 'followers' },
      'admin:mo',
    )
    // One step by hand, as a fan-out killed after its first commit would have left it.
    const first = offerTakers.concat(followersOnly).sort().slice(0, 3)
    const step = await gateway.journal.execute('message.fanout', {
      messageId,
      from: '',
      through: first[2]!,
      done: false,
      candidates: first,
      consents: ['follow_store'],
      walked: 3,
      maxPerWeek: 3,
      offer: null,
    })
    expect(step.result).toMatchObject({ ok: true, state: 'sending' })
    await gateway.fanOut.start()
    await waitSent(messageId)
    const got = db().prepare('SELECT member FROM message_recipients WHERE message = ?').pluck().all(messageId)
    expect(new Set(got).size).toBe(40) // the three written by hand, and every other follower once
    expect(got).toHaveLength(40)
    expect(gateway.messages.message(messageId)).toMatchObject({ state: 'sent', delivered: 40 })
  })

  it('sends an offer only to members who accept offers, each with a voucher of their own', async () => {
    const { messageId } = await gateway.messages.compose({ ...hello, audience: 'followers', campaign: 12 }, 'admin:mo')
    await waitSent(messageId)
    expect(count('SELECT count(*) FROM message_recipients WHERE message = ?', messageId)).toBe(30)
    expect(count("SELECT count(*) FROM vouchers_issued WHERE channel = 'message' AND campaign = 12")).toBe(30)
    expect(count("SELECT count(DISTINCT member) FROM vouchers_issued WHERE channel = 'message'")).toBe(30)
    const [line] = gateway.messages.inbox(offerTakers[0]!)
    expect(line).toMatchObject({ id: messageId, title: hello.title, openedAt: null, voucher: { campaign: 12 } })
    const code = gateway.messages.voucherCode(offerTakers[0]!, line!.voucher!)
    expect(gateway.vouchers.validate(code)).toMatchObject({ ok: true })
    expect(gateway.messages.inbox(followersOnly[0]!).map((l) => l.id)).not.toContain(messageId)
  })

  it('holds the weekly cap: a fourth message this week reaches only those who had fewer', async () => {
    expect(gateway.messages.preview({ ...hello, audience: 'followers' }).audience).toMatchObject({
      capped: 30,
      reach: 10,
    })
    const { messageId } = await gateway.messages.compose({ ...hello, audience: 'followers' }, 'admin:mo')
    await waitSent(messageId)
    expect(gateway.messages.message(messageId)).toMatchObject({ delivered: 10, capped: 30 })
    await expect(gateway.messages.compose({ ...hello, audience: 'followers' }, 'admin:mo')).rejects.toMatchObject({
      code: 'no_recipients',
      message: expect.stringContaining('already had 3 messages'),
    })
  })

  it('follows a message to its voucher redeemed and the sale it was part of', async () => {
    const member = offerTakers[1]!
    const line = gateway.messages.inbox(member).find((l) => l.voucher)!
    await gateway.messages.open(member, line.id)
    await gateway.messages.open(member, line.id) // the first time counts
    const code = gateway.messages.voucherCode(member, line.voucher!)
    const redeemed = await gateway.vouchers.redeem(code, { device: null, cashier: null, source: {} })
    expect(redeemed.ok).toBe(true)
    await gateway.pos.recordSale('pos-1', {
      idempotencyKey: 'sale-after-message',
      amount: 5_800,
      currency: 'CNY',
      member: null,
      payments: [{ method: 'cash', amount: 5_800 }],
      redemptions: [(redeemed as { redemptionId: string }).redemptionId],
      reference: null,
    })
    expect(gateway.messages.message(line.id)).toMatchObject({ opened: 1, redeemed: 1, sales: 1, salesTotal: 5_800 })
    expect(count("SELECT count(*) FROM events WHERE type = 'message.opened'")).toBe(1)
    // A void takes the use back (the sale it was part of stays a sale).
    const id = (redeemed as { redemptionId: string }).redemptionId
    expect(await gateway.vouchers.void(id, 'ann', 'wrong voucher', null)).toMatchObject({ ok: true })
    expect(gateway.messages.message(line.id)).toMatchObject({ redeemed: 0, sales: 1 })
  })

  it('unsubscribes at once: the consent withdrawn, journaled, and the member left out after', async () => {
    const member = followersOnly[3]!
    expect(await gateway.messages.unsubscribe(member, '2026-11')).toBe(true)
    expect(gateway.members.consents(member, 'follow_store')).toBe(false)
    expect(await gateway.messages.unsubscribe(member, '2026-11')).toBe(false) // nothing more to withdraw
    expect(
      count(
        `SELECT count(*) FROM events WHERE type = 'member.consent' AND json_extract(payload, '$.memberId') = ?
           AND json_extract(payload, '$.kind') = 'follow_store' AND json_extract(payload, '$.channel') = 'message'`,
        member,
      ),
    ).toBe(1)
  })

  async function waitSent(messageId: string): Promise<void> {
    for (let i = 0; i < 1_000; i++) {
      await gateway.fanOut.idle()
      const state = gateway.messages.message(messageId)?.state
      if (state === 'sent') return
      await new Promise((r) => setTimeout(r, 10))
    }
    throw new Error(`message ${messageId} not sent`)
  }
})
