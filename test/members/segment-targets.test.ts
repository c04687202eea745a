/**
 * Segments put to work: a member-only campaign is issued only to members of its segment
 * (here the top 20 % by value), and the prize game gives the top members extra plays a day.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Gateway } from '../../gateway/runtime/gateway.js'
import { silentLogger } from '../../gateway/log.js'
import { tempDir } from '../helpers/tmp.js'
import { POS_TOKEN, campaign, makeChain } from '../helpers/vouchers.js'

describe('segments as campaign targets', () => {
  const tmp = tempDir()
  let gateway: Gateway
  const auth = { authorization: `Bearer ${POS_TOKEN}` }
  const post = (url: string, payload: object) => gateway.app.inject({ method: 'POST', url, payload, headers: auth })
  let top: string
  let others: string[]

  beforeAll(async () => {
    const chain = await makeChain(
      tmp.dir,
      [{ id: 'shop-a', merchant: 'm-a' }],
      [
        campaign(),
        campaign({ id: 20, name: { en: 'Thank you, our best guests' }, audience: { segment: 'top' } }),
        campaign({ id: 21, name: { en: 'Trade prices' }, audience: { tag: 'wholesale' } }),
      ],
      {
        kiosk: {
          game: { playsPerMemberPerDay: 1, extraPlaysForTop: 2, prizes: [], consolation: { campaign: 12, weight: 1 } },
        },
      },
    )
    gateway = await Gateway.open({ config: chain.stores.get('shop-a')!.config, log: silentLogger() })
    await gateway.start()
    const enrol = async (phone: string) =>
      (await gateway.members.enrol({ phone, consents: { membership: true }, channel: 'pos' })).memberId
    top = await enrol('13800000201')
    others = [
      await enrol('13800000202'),
      await enrol('13800000203'),
      await enrol('13800000204'),
      await enrol('13800000205'),
    ]
    // One of five members brings the sales: they alone are the top 20 %.
    const sale = await post('/api/pos/sales', {
      idempotencyKey: 'target-sale-1',
      amount: 30_000,
      currency: 'CNY',
      payments: [{ method: 'cash', amount: 30_000 }],
      member: top,
    })
    expect(sale.statusCode).toBe(201)
  })
  afterAll(async () => {
    await gateway?.stop()
    tmp.cleanup()
  })

  it('issues a member-only campaign to its segment and refuses everyone else, saying why', async () => {
    expect((await post('/api/pos/vouchers/issue', { campaign: 20, member: top })).statusCode).toBe(201)
    const refused = await post('/api/pos/vouchers/issue', { campaign: 20, member: others[0] })
    expect(refused.statusCode).toBe(409)
    expect(refused.json()).toMatchObject({ error: 'not_in_audience' })
    expect(refused.json<{ message: string }>().message).toContain('top 20 %')
    const anonymous = await post('/api/pos/vouchers/issue', { campaign: 20 })
    expect(anonymous.json()).toMatchObject({
      error: 'not_in_audience',
      message: expect.stringContaining('name the member'),
    })
    expect((await post('/api/pos/vouchers/issue', { campaign: 12, member: others[0] })).statusCode).toBe(201)
  })

  it('issues a campaign whose audience is a tag only to members a manager tagged', async () => {
    expect((await post('/api/pos/vouchers/issue', { campaign: 21, member: others[2] })).json()).toMatchObject({
      error: 'not_in_audience',
      message: expect.stringContaining('members tagged "wholesale"'),
    })
    expect(await gateway.members.tag(others[2]!, 'wholesale', true, 'admin:mei')).toBe(true)
    expect((await post('/api/pos/vouchers/issue', { campaign: 21, member: others[2] })).statusCode).toBe(201)
  })

  it('gives the top members their extra plays, and only them', async () => {
    expect(gateway.kiosk.playsLeft(top)).toBe(3)
    expect(gateway.kiosk.playsLeft(others[1]!)).toBe(1)
    for (let i = 0; i < 3; i++)
      await gateway.kiosk.play({ playId: `top-play-${i}`.padEnd(16, '0'), kiosk: null, member: top })
    await expect(
      gateway.kiosk.play({ playId: 'top-play-3'.padEnd(16, '0'), kiosk: null, member: top }),
    ).rejects.toMatchObject({
      code: 'daily_limit',
    })
    await gateway.kiosk.play({ playId: 'other-play-0'.padEnd(16, '0'), kiosk: null, member: others[1]! })
    await expect(
      gateway.kiosk.play({ playId: 'other-play-1'.padEnd(16, '0'), kiosk: null, member: others[1]! }),
    ).rejects.toMatchObject({ code: 'daily_limit' })
  })
})
