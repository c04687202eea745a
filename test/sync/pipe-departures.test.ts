/**
 * The closed pipe's departures: shop A's voucher used at shop B reaches A's back office.
 * The cloud counts it as it stores B's batch (a void takes it back, A's own uses never
 * count), sends A a pipe-summary over a real Mosquitto, and A's page shows it by B's
 * name — also after A was offline when it was sent. Bad summaries are refused. A voucher
 * both shops took reaches both back offices, the one offline once it is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { Mosquitto } from '../../scripts/mosquitto.js'
import { freePort } from '../../scripts/bench/gateway-process.js'
import { ContractError, type EventBatch } from '../../sync/contract.js'
import { parsePipeSummary } from '../../sync/pipe-summary.js'
import { CloudStore } from '../../sync/ingest/cloud-store.js'
import { hashPassword } from '../../gateway/auth/secrets.js'
import { silentLogger } from '../../gateway/log.js'
import { Gateway } from '../../gateway/runtime/gateway.js'
import { loggedIn } from '../helpers/admin.js'
import { launchChromium, screenshotEachLanguage } from '../helpers/browser.js'
import { requireProgram } from '../helpers/system.js'
import { tempDir } from '../helpers/tmp.js'
import { waitFor } from '../helpers/wait.js'
import { CloudEnd, FAST_SYNC } from '../helpers/sync-harness.js'
import { makeChain } from '../helpers/vouchers.js'

const redeemed = (seq: number, issuerStore: string, extra: object = {}) => ({
  seq,
  id: `r${seq}`,
  type: 'voucher.redeemed',
  time: Date.now(),
  device: null,
  payload: {
    voucherKey: `1:12:${seq}`,
    kid: 1,
    campaign: 12,
    serial: seq,
    use: 1,
    maxUses: 1,
    issuerStore,
    value: { amount: 2000, currency: 'CNY' },
    ...extra,
  },
})
const batch = (store: string, events: EventBatch['events']): EventBatch => ({ v: 1, store, events })

describe('the cloud counts departures', () => {
  const tmp = tempDir()
  afterAll(() => tmp.cleanup())

  it("counts another store's vouchers redeemed here, takes voids back, never a store's own", () => {
    const file = join(tmp.dir, 'cloud.db')
    let cloud = new CloudStore(file)
    const b = cloud.ingest(batch('shop-b', [redeemed(1, 'shop-a'), redeemed(2, 'shop-a'), redeemed(3, 'shop-b')]))
    expect(b.departures).toEqual(['shop-a'])
    expect(cloud.departures('shop-a', 0)).toEqual([{ redeemer: 'shop-b', campaign: 12, used: 2, value: 4000 }])
    expect(cloud.departures('shop-b', 0)).toEqual([]) // its own use is an arrival, not a departure
    const voided = {
      seq: 4,
      id: 'v4',
      type: 'voucher.voided',
      time: Date.now(),
      device: null,
      payload: { redemptionId: 'r1' },
    }
    expect(cloud.ingest(batch('shop-b', [voided])).departures).toEqual(['shop-a'])
    expect(cloud.ingest(batch('shop-b', [voided])).departures).toEqual([]) // a repeat is a duplicate
    expect(cloud.departures('shop-a', 0)).toEqual([{ redeemer: 'shop-b', campaign: 12, used: 1, value: 2000 }])
    expect(cloud.departures('shop-a', Date.now() + 2 * 3600_000)).toEqual([]) // outside the window
    // A cloud database from before the table counts what it holds when it is opened.
    cloud.close()
    new Database(file).exec('DROP TABLE departures').close()
    cloud = new CloudStore(file)
    expect(cloud.departures('shop-a', 0)).toEqual([{ redeemer: 'shop-b', campaign: 12, used: 1, value: 2000 }])
    cloud.close()
  })

  it('refuses a summary that is not one, saying where', () => {
    const ok = {
      v: 1,
      at: new Date().toISOString(),
      windows: [{ days: 7, rows: [{ redeemer: 'shop-b', campaign: 12, used: 1, value: 0 }] }],
    }
    expect(parsePipeSummary(ok).windows[0]!.rows[0]!.redeemer).toBe('shop-b')
    const bad = (body: unknown, message: RegExp) => expect(() => parsePipeSummary(body)).toThrow(message)
    bad({ ...ok, v: 2 }, /v must be 1/)
    bad({ ...ok, at: 'yesterday' }, /at must be an ISO time/)
    bad({ ...ok, windows: [{ days: 0, rows: [] }] }, /windows\[0\]\.days/)
    bad(
      { ...ok, windows: [{ days: 7, rows: [{ redeemer: '../x', campaign: 12, used: 1, value: 0 }] }] },
      /rows\[0\]\.redeemer/,
    )
    bad(
      { ...ok, windows: [{ days: 7, rows: [{ redeemer: 'b', campaign: 12, used: -1, value: 0 }] }] },
      /used and \.value/,
    )
    expect(() => parsePipeSummary(null)).toThrow(ContractError)
  })
})

const ready = requireProgram('mosquitto', 'pipe departures')
const PASSWORD = 'correct horse battery'

describe.skipIf(!ready)("the pipe's departures reach the issuing store", () => {
  const tmp = tempDir()
  let broker: Mosquitto
  let cloud: CloudEnd
  let a: Gateway
  let b: Gateway
  let configA: Gateway['app']['services']['config']

  beforeAll(async () => {
    broker = new Mosquitto({ dir: join(tmp.dir, 'broker'), port: await freePort() })
    await broker.start()
    cloud = new CloudEnd(join(tmp.dir, 'cloud.db'), broker.url, { summaryEveryMs: 200 }).start()
    const chain = await makeChain(
      tmp.dir,
      [
        { id: 'shop-a', merchant: 'm-a' },
        { id: 'shop-b', merchant: 'm-b' },
      ],
      undefined,
      {
        sync: { ...FAST_SYNC, broker: broker.url },
        admin: { users: [{ id: 'mei', name: 'Mei', role: 'manager', passwordHash: await hashPassword(PASSWORD) }] },
      },
    )
    configA = chain.stores.get('shop-a')!.config
    a = await Gateway.open({ config: configA, log: silentLogger() })
    b = await Gateway.open({ config: chain.stores.get('shop-b')!.config, log: silentLogger() })
    await a.start()
    await b.start()
    await waitFor(
      () => a.sync.status().state === 'online' && b.sync.status().state === 'online' && cloud.link.connected,
      'all online',
    )
  }, 60_000)
  afterAll(async () => {
    await a?.stop()
    await b?.stop()
    await cloud?.stop()
    await broker?.kill()
    tmp.cleanup()
  })

  it("shows shop A the voucher it gave out and shop B took, by B's name", async () => {
    const manager = await loggedIn(a.app, 'mei', PASSWORD)
    // Online, it gets a count soon even before any of its vouchers went elsewhere: none, and when.
    const before = await waitFor(
      async () => {
        const d = (await manager.get('/admin/api/pipe-departures?days=7')).json<{ at: string | null; rows: [] }>()
        return d.at === null ? null : d
      },
      'a first (empty) count',
      30_000,
    )
    expect(before.rows).toEqual([])
    const { code } = await a.vouchers.issue({ campaignId: 12, channel: 'cli' })
    expect((await b.vouchers.redeem(code, { device: null, cashier: 'ann', source: {} })).ok).toBe(true)
    const shown = await waitFor(
      async () => {
        const d = (await manager.get('/admin/api/pipe-departures?days=7')).json<{
          at: string | null
          rows: { redeemerName: string; used: number; value: number; campaignName: { en: string } }[]
        }>()
        return d.rows.length > 0 ? d : null
      },
      "the cloud's count at shop A",
      30_000,
    )
    expect(shown.rows).toEqual([
      expect.objectContaining({ redeemer: 'shop-b', redeemerName: 'Store shop-b', used: 1, value: 2000 }),
    ])
    expect(shown.rows[0]!.campaignName.en).toBe('20 off at Shop B')
    expect(Date.parse(shown.at!)).toBeLessThanOrEqual(Date.now())
    const today = (await manager.get('/admin/api/pipe-departures?days=1')).json<{ days: number; rows: unknown[] }>()
    expect(today).toMatchObject({ days: 1, rows: [expect.anything()] })
  }, 60_000)

  it.skipIf(!requireProgram('chromium', 'pipe departures page'))(
    'draws them on the trends page, by name, and in the funnel',
    async () => {
      const browser = await launchChromium()
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' })
        await page.goto(`${a.address}/admin/login?lang=en&next=%2Fadmin%2Ftrends%3Frange%3D7`)
        await page.fill('input[name=user]', 'mei')
        await page.fill('input[name=password]', PASSWORD)
        await page.click('button[type=submit]')
        await page.waitForSelector('body[data-ready="true"]')
        expect(await page.locator('#departures tr').first().textContent()).toBe('Store shop-b20 off at Shop B120.00')
        expect(await page.textContent('#departures-at')).toMatch(/^Counted by the cloud at .+, over the last 7 days$/)
        expect(await page.locator('#funnel li').last().textContent()).toMatch(
          /^Used at partner stores\s*1\s*the cloud's count$/,
        )
        await screenshotEachLanguage(page, 'admin-trends-departures', '.lang')
      } finally {
        await browser.close()
      }
    },
    60_000,
  )

  it('gets the count it missed while offline, and keeps only a newer one', async () => {
    const second = await a.vouchers.issue({ campaignId: 12, channel: 'cli' })
    await a.stop()
    const sent = cloud.ingest.summaries.sent
    expect((await b.vouchers.redeem(second.code, { device: null, cashier: 'ann', source: {} })).ok).toBe(true)
    await waitFor(() => cloud.ingest.summaries.sent > sent, 'the summary sent while A is away', 30_000)
    a = await Gateway.open({ config: configA, log: silentLogger() })
    await a.start()
    await waitFor(
      () => a.app.services.backOffice.departures.window(7)?.rows[0]?.used === 2,
      'the missed count at A',
      30_000,
    )
    const stale = await cloud.commands.send('shop-a', 'pipe-summary', { v: 1, at: '2020-01-01T00:00:00Z', windows: [] })
    expect(stale).toMatchObject({ status: 'rejected', reason: 'stale' })
    const bad = await cloud.commands.send('shop-a', 'pipe-summary', { v: 1, at: 'soon', windows: [] })
    expect(bad).toMatchObject({ status: 'rejected', reason: 'malformed' })
    expect(a.app.services.backOffice.departures.window(7)?.rows[0]?.used).toBe(2)
  }, 90_000)

  it('tells both shops of a voucher each took; the one away hears when it is back', async () => {
    const ctx = { device: null, cashier: 'ann', source: {} }
    const { code } = await a.vouchers.issue({ campaignId: 12, channel: 'cli' })
    expect((await a.vouchers.redeem(code, ctx)).ok).toBe(true)
    await waitFor(() => a.sync.status().backlog === 0, "A's use at the cloud")
    await a.stop()
    expect((await b.vouchers.redeem(code, ctx)).ok).toBe(true) // B cannot know A took it
    await waitFor(() => b.app.services.backOffice.doubleUses.open().count === 1, 'B told at once', 30_000)
    expect(b.app.services.backOffice.doubleUses.list()[0]!.atRisk).toEqual({ amount: 2000, currency: 'CNY' })
    a = await Gateway.open({ config: configA, log: silentLogger() })
    await a.start()
    await waitFor(() => a.app.services.backOffice.doubleUses.open().count === 1, 'A told once back', 30_000)
    expect(a.app.services.backOffice.doubleUses.list()[0]!.uses.map((u) => [u.storeName, u.here, u.cashier])).toEqual([
      ['Store shop-a', true, 'Ann'],
      ['Store shop-b', false, null],
    ])
  }, 90_000)
})
