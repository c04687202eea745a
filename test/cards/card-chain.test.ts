/**
 * Paying from a member card at another store of the same merchant, over a real Mosquitto
 * and the reference cloud: the home store decides (and its ledger shows where), a retry
 * pays once, another merchant's store or an offline home store or no link is refused at
 * once — and a payment whose answer came too late is taken back at home.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { Mosquitto } from '../../scripts/mosquitto.js'
import { freePort } from '../../scripts/bench/gateway-process.js'
import { silentLogger } from '../../gateway/log.js'
import { Gateway } from '../../gateway/runtime/gateway.js'
import type { Config } from '../../config/schema.js'
import { requireProgram } from '../helpers/system.js'
import { tempDir } from '../helpers/tmp.js'
import { waitFor } from '../helpers/wait.js'
import { CloudEnd, FAST_SYNC } from '../helpers/sync-harness.js'
import { topics } from '../../sync/contract.js'
import { POS_TOKEN, makeChain } from '../helpers/vouchers.js'

const ready = requireProgram('mosquitto', 'card payments across stores')
const auth = { authorization: `Bearer ${POS_TOKEN}` }

describe.skipIf(!ready)('member card paid from at another store of the merchant', () => {
  let tmp: ReturnType<typeof tempDir>
  let broker: Mosquitto
  let cloud: CloudEnd
  let configA: Config
  let a: Gateway
  let b: Gateway
  let c: Gateway
  let member: string
  let key = 0
  const nextKey = () => `chain-test-${++key}`.padEnd(12, '0')

  const post = (g: Gateway, url: string, payload: object) =>
    g.app.inject({ method: 'POST', url, payload, headers: auth })
  const pay = (g: Gateway, amount: number, idempotencyKey = nextKey(), code = a.members.currentCode(member)) =>
    post(g, '/api/pos/cards/debit', { idempotencyKey, memberCode: code, amount })
  const balance = () => a.cards.summary(member).total
  const rows = (g: Gateway, sql: string, ...args: unknown[]) => g.journal.reader.prepare(sql).all(...args)
  const online = (...gs: Gateway[]) => gs.every((g) => g.sync.status().state === 'online') && cloud.link.connected

  beforeAll(async () => {
    tmp = tempDir()
    broker = new Mosquitto({ dir: join(tmp.dir, 'broker'), port: await freePort() })
    await broker.start()
    cloud = new CloudEnd(join(tmp.dir, 'cloud.db'), broker.url).start()
    const chain = await makeChain(
      tmp.dir,
      [
        { id: 'shop-a', merchant: 'm-1' },
        { id: 'shop-b', merchant: 'm-1' },
        { id: 'shop-c', merchant: 'm-2' },
      ],
      undefined,
      { sync: { ...FAST_SYNC, broker: broker.url, onlineCheckTimeoutMs: 1500 } },
    )
    configA = chain.stores.get('shop-a')!.config
    a = await Gateway.open({ config: configA, log: silentLogger() })
    b = await Gateway.open({ config: chain.stores.get('shop-b')!.config, log: silentLogger() })
    c = await Gateway.open({ config: chain.stores.get('shop-c')!.config, log: silentLogger() })
    for (const g of [a, b, c]) await g.start()
    await waitFor(() => online(a, b, c), 'stores and cloud connected')
    const enrolled = await post(a, '/api/pos/members', { phone: '13800000001', consents: { membership: true } })
    member = enrolled.json<{ memberId: string }>().memberId
    const topUp = { idempotencyKey: nextKey(), memberId: member, amount: 10_000, payment: { method: 'cash' } }
    expect((await post(a, '/api/pos/cards/topup', topUp)).statusCode).toBe(201)
    await waitFor(() => cloud.store.cards.homeOf(member) === 'shop-a', "the cloud knows the member's home store")
    await waitFor(() => cloud.store.cards.merchantOf('shop-b') === 'm-1', "the cloud knows B's merchant")
  })
  afterAll(async () => {
    for (const g of [a, b, c]) await g?.stop()
    await cloud?.stop()
    await broker?.kill()
    tmp?.cleanup()
  })

  it('pays at B from the card held at A, once per key, and A’s ledger names B', async () => {
    const k = nextKey()
    const first = await pay(b, 3_000, k)
    expect(first.statusCode).toBe(201)
    expect(first.json()).toMatchObject({
      memberId: member,
      entry: { kind: 'debit', amount: 3_000 },
      balance: { total: 7_000 },
      repeated: false,
      home: { store: 'shop-a', name: 'Store shop-a' },
    })
    expect(balance()).toBe(7_000)
    // A retry with the member's next code is the same payment: answered again, paid once.
    const again = await pay(b, 3_000, k)
    expect(again.statusCode).toBe(200)
    expect(again.json()).toMatchObject({
      repeated: true,
      entry: { id: first.json<{ entry: { id: string } }>().entry.id },
    })
    expect(balance()).toBe(7_000)
    expect(rows(a, "SELECT device, kind FROM card_ledger WHERE kind = 'debit'")).toEqual([
      { device: 'store:shop-b', kind: 'debit' },
    ])
    expect(rows(b, "SELECT type FROM events WHERE type = 'card.remote_debited'")).toHaveLength(1)
    expect(a.cards.ledgerMismatches()).toEqual([])
  })

  it('refuses what the home store refuses, and other merchants’ stores', async () => {
    const over = await pay(b, 50_000)
    expect(over.statusCode).toBe(409)
    expect(over.json()).toMatchObject({ error: 'insufficient_balance' })
    const elsewhere = await pay(c, 1_000)
    expect(elsewhere.statusCode).toBe(422)
    expect(elsewhere.json()).toMatchObject({ error: 'other_merchant' })
    const screenshot = await pay(b, 1_000, nextKey(), a.members.currentCode(member, Date.now() - 10 * 60_000))
    expect(screenshot.statusCode).toBe(422)
    expect(screenshot.json()).toMatchObject({ error: 'member_not_present' })
    expect(balance()).toBe(7_000)
    expect(rows(b, "SELECT count(*) AS n FROM events WHERE type = 'card.refused'")).toEqual([{ n: 2 }])
    expect(rows(c, "SELECT count(*) AS n FROM events WHERE type = 'card.refused'")).toEqual([{ n: 1 }])
  })

  it('refuses at once as needing a connection when the home store is offline, and pays once it is back', async () => {
    const code = a.members.currentCode(member)
    await a.stop()
    await waitFor(() => !cloud.store.cards.isOnline('shop-a'), 'the cloud sees A offline')
    const started = Date.now()
    const r = await pay(b, 1_000, nextKey(), code)
    expect(r.statusCode).toBe(503)
    expect(r.json()).toMatchObject({ error: 'needs_connection' })
    expect(Date.now() - started).toBeLessThan(1_000)
    a = await Gateway.open({ config: configA, log: silentLogger() })
    await a.start()
    await waitFor(() => online(a) && cloud.store.cards.isOnline('shop-a'), 'A back')
    expect((await pay(b, 1_000)).statusCode).toBe(201)
    expect(balance()).toBe(6_000)
  })

  it('refuses at once without the link, and never sends it later', async () => {
    await broker.kill()
    await waitFor(() => b.sync.status().state === 'offline', 'B sees the broker gone')
    const started = Date.now()
    const r = await pay(b, 1_000)
    expect(r.statusCode).toBe(503)
    expect(r.json()).toMatchObject({ error: 'needs_connection' })
    expect(Date.now() - started).toBeLessThan(500)
    await broker.restart()
    await waitFor(() => online(a, b), 'reconnected')
    // B's events (with its refusal) reach the cloud: nothing it refused was sent on meanwhile.
    await waitFor(() => b.sync.status().backlog === 0, "B's journal synced")
    expect(balance()).toBe(6_000)
    expect(rows(b, "SELECT count(*) AS n FROM events WHERE type = 'card.remote_abandoned'")).toEqual([{ n: 0 }])
  })

  it('takes a payment back at home when its answer came too late for the till', async () => {
    // A answers only once B has given up (its answer held back, the payment made).
    const real = a.cards.debit.bind(a.cards)
    a.cards.debit = async (...args) => {
      const moved = await real(...args)
      await waitFor(
        () => rows(b, "SELECT 1 FROM events WHERE type = 'card.remote_abandoned'").length === 1,
        'B gave up',
        20_000,
      )
      return moved
    }
    const k = nextKey()
    try {
      const r = await pay(b, 2_000, k)
      expect(r.statusCode).toBe(503)
      expect(r.json()).toMatchObject({ error: 'needs_connection' })
    } finally {
      a.cards.debit = real
    }
    // The cloud has A put it back: the card is as it was, its ledger shows both moves.
    await waitFor(() => balance() === 6_000, 'the late payment put back at home', 30_000)
    const moves = rows(a, "SELECT kind, principal + bonus AS amount FROM card_ledger WHERE device = 'store:shop-b'")
    expect(moves.slice(-2)).toEqual([
      { kind: 'debit', amount: -2_000 },
      { kind: 'refund', amount: 2_000 },
    ])
    // The key is closed at B: the same payment is not tried again; a new one goes through.
    expect((await pay(b, 2_000, k)).json()).toMatchObject({ error: 'needs_connection' })
    expect(balance()).toBe(6_000)
    expect((await pay(b, 2_000)).statusCode).toBe(201)
    expect(balance()).toBe(4_000)
    await waitFor(
      () => cloud.store.db.prepare('SELECT count(*) FROM card_cancels WHERE done_at IS NULL').pluck().get() === 0,
      'the cancel answered',
    )
    expect(a.cards.ledgerMismatches()).toEqual([])
  })

  it('takes it back too when the home store’s yes is lost on its way to the till', async () => {
    const publish = cloud.link.publish.bind(cloud.link)
    cloud.link.publish = (topic, payload, opts) =>
      topic === topics.rpcReply('shop-b') ? Promise.resolve() : publish(topic, payload, opts)
    try {
      const r = await pay(b, 1_500)
      expect(r.json()).toMatchObject({ error: 'needs_connection' })
    } finally {
      cloud.link.publish = publish
    }
    // Paid at A, refused at B: B's journal tells the cloud, the cloud has A put it back.
    await waitFor(() => balance() === 4_000, 'the lost payment put back at home', 20_000)
    expect(rows(b, "SELECT count(*) AS n FROM events WHERE type = 'card.remote_abandoned'")).toEqual([{ n: 2 }])
    expect(a.cards.ledgerMismatches()).toEqual([])
  })
})
