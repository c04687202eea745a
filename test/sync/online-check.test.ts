/**
 * The online check of high-value vouchers, over a real Mosquitto: MQTT 5 request/response
 * for one store, the 3.1.1 payload fallback for the other, the cloud's claim that keeps
 * two stores from both using the last use, and every way the answer can fail to come.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { connect, type MqttClient } from 'mqtt'
import { Mosquitto } from '../../scripts/mosquitto.js'
import { freePort } from '../../scripts/bench/gateway-process.js'
import { topics } from '../../sync/contract.js'
import { silentLogger } from '../../gateway/log.js'
import { Gateway } from '../../gateway/runtime/gateway.js'
import { requireProgram } from '../helpers/system.js'
import { tempDir } from '../helpers/tmp.js'
import { waitFor } from '../helpers/wait.js'
import { CloudEnd, FAST_SYNC } from '../helpers/sync-harness.js'
import { campaign, makeChain } from '../helpers/vouchers.js'

const ready = requireProgram('mosquitto', 'sync online check')
const ctx = { device: null, cashier: 'ann', source: { test: true } }

describe.skipIf(!ready)('online check over MQTT request/response', () => {
  let tmp: ReturnType<typeof tempDir>
  let broker: Mosquitto
  let cloud: CloudEnd
  let a: Gateway
  let b: Gateway
  let raw: MqttClient

  beforeAll(async () => {
    tmp = tempDir()
    broker = new Mosquitto({ dir: join(tmp.dir, 'broker'), port: await freePort() })
    await broker.start()
    cloud = new CloudEnd(join(tmp.dir, 'cloud.db'), broker.url).start()
    const big = campaign({
      id: 14,
      onlineCheckAbove: 1000,
      redeemableAt: { merchants: [], stores: ['shop-a', 'shop-b'] },
    })
    const chain = await makeChain(
      tmp.dir,
      [
        { id: 'shop-a', merchant: 'm-a' },
        { id: 'shop-b', merchant: 'm-b' },
      ],
      [big, campaign({ id: 15, onlineCheckAbove: 1000, uses: 2 })],
      {
        sync: { ...FAST_SYNC, broker: broker.url, onlineCheckTimeoutMs: 600 },
      },
    )
    const configA = chain.stores.get('shop-a')!.config
    const configB = chain.stores.get('shop-b')!.config
    a = await Gateway.open({ config: configA, log: silentLogger() })
    // Shop B speaks MQTT 3.1.1: no properties, the payload's id and replyTo carry the request.
    b = await Gateway.open({
      config: { ...configB, sync: { ...configB.sync, protocolVersion: 4 } },
      log: silentLogger(),
    })
    await a.start()
    await b.start()
    await waitFor(
      () => a.sync.status().state === 'online' && b.sync.status().state === 'online' && cloud.link.connected,
      'stores and cloud connected',
    )
    raw = connect(broker.url, { protocolVersion: 5 })
    await new Promise<void>((resolve) => raw.once('connect', () => resolve()))
  })
  afterAll(async () => {
    raw?.end(true)
    await a?.stop()
    await b?.stop()
    await cloud?.stop()
    await broker?.kill()
    tmp?.cleanup()
  })

  const issue = async (campaignId = 14) => (await a.vouchers.issue({ campaignId, channel: 'cli' })).code

  it('says yes to the first store and no, with where, to the next', async () => {
    const code = await issue()
    const first = await b.vouchers.redeem(code, ctx)
    expect(first).toMatchObject({ ok: true })
    const second = await a.vouchers.redeem(code, ctx)
    expect(second).toMatchObject({ ok: false, reason: 'already_redeemed' })
    expect(second.ok === false && second.detail).toMatch(/shop-b/)
    expect(cloud.ingest.rpc.answered).toBeGreaterThanOrEqual(2)
    // The claim is released by the redemption itself once it reaches the cloud.
    await waitFor(
      () => cloud.store.db.prepare('SELECT count(*) FROM voucher_claims').pluck().get() === 0,
      'claim replaced by the redemption',
    )
    expect(await a.vouchers.redeem(code, ctx)).toMatchObject({ ok: false, reason: 'already_redeemed' })
  })

  it('gives the last use to exactly one of two stores asking at once', async () => {
    for (let round = 0; round < 5; round++) {
      const code = await issue()
      const outcomes = await Promise.all([a.vouchers.redeem(code, ctx), b.vouchers.redeem(code, ctx)])
      expect(outcomes.filter((o) => o.ok)).toHaveLength(1)
    }
    // Two uses: both stores may use it once each, a third ask is refused — also while
    // B's own redemption has not reached the cloud yet (its batches held there), which
    // once let B use it a second time (issue #13, item 5).
    const ingest = cloud.store.ingest.bind(cloud.store)
    const markOf = (store: string) => cloud.store.stores().find((s) => s.store === store)?.contiguous ?? 0
    cloud.store.ingest = (batch) =>
      batch.store === 'shop-b'
        ? {
            store: 'shop-b',
            contiguous: markOf('shop-b'),
            inserted: 0,
            duplicates: 0,
            gap: true,
            alerts: [],
            departures: [],
          }
        : ingest(batch)
    try {
      const code = await issue(15)
      expect((await Promise.all([a.vouchers.redeem(code, ctx), b.vouchers.redeem(code, ctx)])).every((o) => o.ok)).toBe(
        true,
      )
      await waitFor(
        () =>
          cloud.store.db
            .prepare("SELECT count(*) FROM redemptions WHERE store = 'shop-a' AND voucher_key LIKE '%:15:%'")
            .pluck()
            .get() === 1,
        "A's redemption in the cloud",
      )
      expect(
        cloud.store.db
          .prepare("SELECT count(*) FROM redemptions WHERE store = 'shop-b' AND voucher_key LIKE '%:15:%'")
          .pluck()
          .get(),
      ).toBe(0)
      expect(await b.vouchers.redeem(code, ctx)).toMatchObject({ ok: false, reason: 'already_redeemed' })
      expect(await a.vouchers.redeem(code, ctx)).toMatchObject({ ok: false, reason: 'already_redeemed' })
      // One store asking twice at once for a voucher it may use twice gets two uses, never three.
      const twice = await issue(15)
      const three = await Promise.all([
        b.vouchers.redeem(twice, ctx),
        b.vouchers.redeem(twice, ctx),
        b.vouchers.redeem(twice, ctx),
      ])
      expect(three.filter((o) => o.ok)).toHaveLength(2)
      expect(await a.vouchers.redeem(twice, ctx)).toMatchObject({ ok: false, reason: 'already_redeemed' })
    } finally {
      cloud.store.ingest = ingest
    }
  })

  it('refuses as needing an online check when the cloud does not answer, and recovers', async () => {
    const code = await issue()
    await cloud.link.stop() // the broker is up, nobody answers
    const started = Date.now()
    const outcome = await a.vouchers.redeem(code, ctx)
    expect(outcome).toMatchObject({ ok: false, reason: 'online_check_required' })
    expect(outcome.ok === false && outcome.detail).toMatch(/cannot be reached/)
    expect(Date.now() - started).toBeGreaterThanOrEqual(550)
    cloud.link.start()
    await waitFor(() => cloud.link.connected, 'cloud back')
    expect(await a.vouchers.redeem(code, ctx)).toMatchObject({ ok: true })
  })

  it('answers at once when the link is down, without queueing the request', async () => {
    const code = await issue()
    await broker.kill()
    await waitFor(() => a.sync.status().state === 'offline', 'store sees the broker gone')
    const started = Date.now()
    expect(await a.vouchers.redeem(code, ctx)).toMatchObject({ ok: false, reason: 'online_check_required' })
    expect(Date.now() - started).toBeLessThan(500)
    await broker.restart()
    await waitFor(() => a.sync.status().state === 'online' && cloud.link.connected, 'reconnected')
    expect(await a.vouchers.redeem(code, ctx)).toMatchObject({ ok: true })
  })

  it('answers a malformed request with an error and never publishes outside the asking store', async () => {
    const replies: { topic: string; body: Record<string, unknown>; correlation?: string }[] = []
    await new Promise<void>((resolve) =>
      raw.subscribe(['tillside/v1/shop-a/#', 'tillside/v1/shop-b/rpc-reply'], { qos: 1 }, () => resolve()),
    )
    raw.on('message', (topic, payload, packet) => {
      if (topic.endsWith('rpc-reply') || topic.endsWith('/elsewhere'))
        replies.push({
          topic,
          body: JSON.parse(payload.toString()) as Record<string, unknown>,
          correlation: packet.properties?.correlationData?.toString(),
        })
    })
    const ask = (store: string, body: unknown, responseTopic: string, id = 'request-0001') =>
      raw.publish(topics.rpc(store, 'voucher-check'), JSON.stringify({ v: 1, id, body }), {
        qos: 1,
        properties: { responseTopic, correlationData: Buffer.from(`corr-${id}`) },
      })
    ask('shop-b', { voucherKey: 'nope' }, topics.rpcReply('shop-b'), 'request-bad-body')
    ask('shop-b', { voucherKey: '1:14:999', campaign: 14, maxUses: 1 }, topics.rpcReply('shop-a'), 'request-elsewhere')
    ask(
      'shop-a',
      { voucherKey: '1:14:999', campaign: 14, maxUses: 1 },
      'tillside/v1/shop-a/elsewhere',
      'request-own-tree',
    )
    await waitFor(() => replies.length >= 2, 'answers')
    await new Promise((r) => setTimeout(r, 300))
    expect(replies.find((r) => r.body.id === 'request-bad-body')).toMatchObject({
      topic: topics.rpcReply('shop-b'),
      correlation: 'corr-request-bad-body',
      body: { status: 'error', reason: 'bad_request' },
    })
    expect(replies.find((r) => r.body.id === 'request-own-tree')).toMatchObject({
      topic: 'tillside/v1/shop-a/elsewhere',
      body: { status: 'ok' },
    })
    expect(replies.find((r) => r.body.id === 'request-elsewhere')).toBeUndefined()
    // The stores' own requests still work after all that.
    expect(await b.vouchers.redeem(await issue(), ctx)).toMatchObject({ ok: true })
  })

  it("sends a portal one-time code through the cloud's SMS service, and says at once when it cannot", async () => {
    const delivered: { store: string; phone: string; code: string; lang: string }[] = []
    const rpc = cloud.ingest.rpc as {
      deliverCode: (store: string, req: { phone: string; code: string; lang: string }) => void
    }
    rpc.deliverCode = (store, req) => {
      if (req.phone.endsWith('0000')) throw new Error('SMS gateway: number blocked')
      delivered.push({ store, ...req })
    }
    await a.sync.codeSender.send('+8613800138001', '123456', 'en')
    await b.sync.codeSender.send('+8613800138002', '654321', 'zh') // MQTT 3.1.1
    expect(delivered).toEqual([
      { store: 'shop-a', phone: '+8613800138001', code: '123456', lang: 'en' },
      { store: 'shop-b', phone: '+8613800138002', code: '654321', lang: 'zh' },
    ])
    await expect(a.sync.codeSender.send('+8613800130000', '111111', 'en')).rejects.toThrow(
      /the cloud did not send the code: SMS gateway: number blocked/,
    )
    await cloud.link.stop() // nobody answers; the broker keeps the request for the cloud's session
    const asked = Date.now()
    await expect(a.sync.codeSender.send('+8613800138003', '222222', 'en')).rejects.toThrow(/cannot be reached/)
    // The condition itself is time: once the request has expired (its 600 ms, the cloud's
    // 2 s grace for clock skew), the cloud coming back must not send the SMS any more.
    await waitFor(() => Date.now() - asked > 3_000, 'the request expired', 5_000)
    cloud.link.start()
    await waitFor(() => cloud.link.connected, 'cloud back')
    // A fresh request comes after the held one (the broker keeps order): once it is
    // delivered, the held one has been dropped.
    await a.sync.codeSender.send('+8613800138004', '333333', 'en')
    expect(delivered.map((d) => d.code)).toEqual(['123456', '654321', '333333'])
  })
})
