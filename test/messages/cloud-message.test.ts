/**
 * A chain's message composed in the cloud: the command `message` goes through a real
 * Mosquitto to two stores, and each sends it to its own followers (with their own
 * vouchers); the same message sent again is the same message; one a store cannot send is
 * refused with the reason; and the stores' message events come back to the cloud.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { Mosquitto } from '../../scripts/mosquitto.js'
import { freePort } from '../../scripts/bench/gateway-process.js'
import { silentLogger } from '../../gateway/log.js'
import { Gateway } from '../../gateway/runtime/gateway.js'
import { requireProgram } from '../helpers/system.js'
import { tempDir } from '../helpers/tmp.js'
import { waitFor } from '../helpers/wait.js'
import { CloudEnd, FAST_SYNC } from '../helpers/sync-harness.js'
import { makeChain } from '../helpers/vouchers.js'

const ready = requireProgram('mosquitto', 'messages from the cloud')

describe.skipIf(!ready)('a message composed in the cloud for two stores', () => {
  let tmp: ReturnType<typeof tempDir>
  let broker: Mosquitto
  let cloud: CloudEnd
  const stores: Gateway[] = []
  const followers = new Map<Gateway, string[]>()

  beforeAll(async () => {
    tmp = tempDir()
    broker = new Mosquitto({ dir: join(tmp.dir, 'broker'), port: await freePort() })
    await broker.start()
    cloud = new CloudEnd(join(tmp.dir, 'cloud.db'), broker.url).start()
    const chain = await makeChain(
      tmp.dir,
      [
        { id: 'shop-a', merchant: 'm-a' },
        { id: 'shop-b', merchant: 'm-a' },
      ],
      undefined,
      { sync: { ...FAST_SYNC, broker: broker.url }, messages: { quietHours: null } },
    )
    let phone = 13600000000
    for (const id of ['shop-a', 'shop-b']) {
      const g = await Gateway.open({ config: chain.stores.get(id)!.config, log: silentLogger() })
      await g.start()
      stores.push(g)
      const ids: string[] = []
      for (let i = 0; i < 4; i++)
        ids.push(
          (
            await g.members.enrol({
              phone: String(++phone),
              consents: { membership: true, followStore: true, marketing: true },
              channel: 'portal',
            })
          ).memberId,
        )
      followers.set(g, ids)
    }
    await waitFor(() => stores.every((g) => g.sync.status().state === 'online') && cloud.link.connected, 'online')
  })
  afterAll(async () => {
    for (const g of stores) await g.stop()
    await cloud?.stop()
    await broker?.kill()
    tmp?.cleanup()
  })

  const message = (id: string) => ({
    id,
    title: { en: 'Chain tea week', zh: '全店品茶周' },
    body: { en: 'At every store of ours', zh: '所有门店' },
    audience: 'followers',
    campaign: 12,
  })

  it("reaches each store's followers, each with a voucher of their own, once", async () => {
    const id = randomUUID()
    const results = await Promise.all(['shop-a', 'shop-b'].map((s) => cloud.commands.send(s, 'message', message(id))))
    expect(results.map((r) => [r.status, r.detail])).toEqual([
      ['ok', `message ${id}: 4 member(s) to reach`],
      ['ok', `message ${id}: 4 member(s) to reach`],
    ])
    for (const g of stores) {
      await waitFor(() => g.messages.message(id)?.state === 'sent', 'sent at the store')
      for (const member of followers.get(g)!)
        expect(g.messages.inbox(member)[0]).toMatchObject({ id, voucher: { campaign: 12 } })
    }
    const again = await cloud.commands.send('shop-a', 'message', message(id))
    expect(again).toMatchObject({ status: 'ok', detail: `message ${id} was composed already` })
    expect(stores[0]!.messages.list().filter((m) => m.id === id)).toHaveLength(1)
    // The stores' events reach the cloud: what each sent.
    await waitFor(
      () =>
        (cloud.store.db.prepare("SELECT count(*) FROM events WHERE type = 'message.sent'").pluck().get() as number) >=
        2,
      'message.sent from both stores in the cloud',
    )
  })

  it('refuses with the reason a message a store cannot send', async () => {
    const bad = await cloud.commands.send('shop-b', 'message', { ...message(randomUUID()), audience: 'unredeemed' })
    expect(bad).toMatchObject({ status: 'rejected', reason: 'no_recipients' })
    const malformed = await cloud.commands.send('shop-b', 'message', { ...message('not-a-uuid') })
    expect(malformed).toMatchObject({ status: 'rejected', reason: 'malformed' })
  })
})
