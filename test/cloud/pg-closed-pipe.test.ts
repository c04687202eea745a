/**
 * The closed pipe through a chain's cloud on PostgreSQL, all real parts: a real
 * PostgreSQL and mosquitto, two gateways of two merchants (tea shop A issues a voucher its
 * merchant funds, bakery B honours it with a sale), the ingest storing both stores'
 * events, and `tillside cloud report` telling who brought whom and who owes whom — to
 * the cent. One voucher taken at both shops reaches both back offices (Chromium
 * screenshots at the till's size, in Chinese and English). A store that is not enrolled is
 * refused and counted, never stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { Mosquitto } from '../../scripts/mosquitto.js'
import type { Postgres } from '../../scripts/postgres.js'
import { freePort } from '../../scripts/bench/gateway-process.js'
import { PgCloudDb } from '../../sync/ingest/pg/pg-cloud-db.js'
import { ZoneDays } from '../../sync/ingest/pg/zone-days.js'
import { silentLogger } from '../../gateway/log.js'
import { Gateway } from '../../gateway/runtime/gateway.js'
import { requireProgram } from '../helpers/system.js'
import { tempDir } from '../helpers/tmp.js'
import { waitFor } from '../helpers/wait.js'
import { FAST_SYNC, IngestEnd } from '../helpers/sync-harness.js'
import { campaign, makeChain } from '../helpers/vouchers.js'
import { freshDatabase, havePostgres, startPostgres } from '../helpers/postgres.js'
import { runCli } from '../helpers/cli.js'
import { managerAndStaff } from '../helpers/admin.js'
import { launchChromium, screenshotEachLanguage, smallTargets } from '../helpers/browser.js'

const ready = havePostgres('closed pipe on PostgreSQL') && requireProgram('mosquitto', 'closed pipe on PostgreSQL')
const ZONE = 'Asia/Shanghai'
const PASSWORD = 'correct horse battery'
const withChromium = ready && requireProgram('chromium', 'double use in the back office')

describe.skipIf(!ready)('the closed pipe through a PostgreSQL cloud', () => {
  const tmp = tempDir()
  let broker: Mosquitto
  let pgServer: Postgres
  let url: string
  let cloud: IngestEnd
  let tea: Gateway
  let bakery: Gateway
  const today = ZoneDays.formatDay(new ZoneDays(ZONE).dayOf(Date.now()))
  const cli = (...args: string[]) => runCli(['cloud', ...args, '--db', url], {}, { bundle: true })
  const report = async (name: string, ...args: string[]) => {
    const r = await cli('report', name, '--from', today, '--to', today, '--csv', ...args)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    return r.stdout.trim().split('\r\n')
  }

  beforeAll(async () => {
    broker = new Mosquitto({ dir: join(tmp.dir, 'broker'), port: await freePort() })
    await broker.start()
    pgServer = await startPostgres(tmp.dir)
    url = await freshDatabase(pgServer)
    const db = await PgCloudDb.open({ url, timeZone: ZONE }, silentLogger())
    expect((await cli('enroll', '--store', 'tea-1', '--merchant', 'tea-co', '--name', 'Tea House')).code).toBe(0)
    expect((await cli('enroll', '--store', 'bake-1', '--merchant', 'bake-co')).code).toBe(0)
    cloud = new IngestEnd(db, broker.url, { flushes: 4 }).start()
    const chain = await makeChain(
      tmp.dir,
      [
        { id: 'tea-1', merchant: 'tea-co' },
        { id: 'bake-1', merchant: 'bake-co' },
      ],
      [
        campaign({
          id: 21,
          name: { en: '15 off a cake', zh: '蛋糕立减15元' },
          issuer: { merchant: 'tea-co' },
          redeemableAt: { merchants: ['bake-co'], stores: ['tea-1'] },
          value: { amount: 1500, currency: 'CNY' },
        }),
      ],
      { sync: { ...FAST_SYNC, broker: broker.url } },
    )
    const users = await managerAndStaff(PASSWORD)
    const withUsers = (id: string) => {
      const config = chain.stores.get(id)!.config
      return { ...config, admin: { ...config.admin, users } }
    }
    tea = await Gateway.open({ config: withUsers('tea-1'), log: silentLogger() })
    bakery = await Gateway.open({ config: withUsers('bake-1'), log: silentLogger() })
    await tea.start()
    await bakery.start()
    await waitFor(() => tea.sync.status().state === 'online' && bakery.sync.status().state === 'online', 'online')
  }, 120_000)
  afterAll(async () => {
    await tea?.stop()
    await bakery?.stop()
    await cloud?.stop()
    await pgServer?.stop()
    await broker?.kill()
    tmp.cleanup()
  })

  it('tells which shop sent whom where, and who owes whom, to the cent', async () => {
    const codes = []
    for (let i = 0; i < 4; i++) codes.push((await tea.vouchers.issue({ campaignId: 21, channel: 'kiosk' })).code)
    const ctx = { device: null, cashier: 'ann', source: {} }
    const used = []
    for (const code of codes.slice(0, 3)) {
      const r = await bakery.vouchers.redeem(code, ctx)
      if (!r.ok) throw new Error(`not redeemed: ${r.reason}`)
      used.push(r.redemptionId)
    }
    await bakery.pos.recordSale('pos-1', {
      idempotencyKey: 'sale-1',
      amount: 4800,
      currency: 'CNY',
      payments: [
        { method: 'cash', amount: 3300 },
        { method: 'voucher', amount: 1500 },
      ],
      member: null,
      redemptions: [used[0]!],
      reference: 'R-0001',
    })
    expect((await bakery.vouchers.void(used[2]!, 'ann', 'wrong item', null)).ok).toBe(true)
    // The tea house takes its own voucher: a use at home, not a settlement between merchants.
    expect((await tea.vouchers.redeem(codes[3]!, ctx)).ok).toBe(true)
    await waitFor(
      () => tea.sync.status().backlog === 0 && bakery.sync.status().backlog === 0,
      'both stores synced',
      60_000,
    )

    expect(await report('attribution')).toEqual([
      'campaign,issued_at,redeemed_at,issued,redeemed,rate,value,currency,avg_days',
      '21,tea-1,bake-1,4,2,0.500,30.00,CNY,0.0',
      '21,tea-1,tea-1,4,1,0.250,15.00,CNY,0.0',
    ])
    expect(await report('settlement')).toEqual([
      'funder,honourer,vouchers,amount,currency',
      'tea-co,bake-co,2,30.00,CNY',
    ])
    const statement = await report('settlement', '--funder', 'tea-co', '--honourer', 'bake-co')
    expect(statement[0]).toBe('redeemed_time,redeemed_at,voucher,campaign,issued_at,amount,currency')
    expect(statement.slice(1, 3).map((l) => l.split(',').slice(1).join(','))).toEqual([
      expect.stringMatching(/^bake-1,1:21:1,21,tea-1,15.00,CNY$/),
      expect.stringMatching(/^bake-1,1:21:2,21,tea-1,15.00,CNY$/),
    ])
    expect(statement[3]).toBe('total,,,2,,30.00,CNY')
    const vouchers = await report('vouchers', '--store', 'bake-1')
    expect(vouchers.find((l) => l.startsWith('1:21:1,'))).toMatch(
      /^1:21:1,21,tea-1,kiosk,[^,]+,bake-1,[^,]+,15\.00,CNY,48\.00,pos-1,R-0001$/,
    )
    expect(vouchers).toHaveLength(3) // the header and two: the voided one is not there
    const overview = await report('overview')
    expect(overview[1]).toMatch(/^bake-1,,bake-co,online,/)
    expect(overview[2]).toMatch(/^tea-1,Tea House,tea-co,online,/)
  }, 120_000)

  it('tells both shops when one voucher was taken at each, and shows it in both back offices', async () => {
    const { code } = await tea.vouchers.issue({ campaignId: 21, channel: 'portal' })
    const ctx = { device: null, cashier: 'ann', source: {} }
    // No online check for this offer: each shop takes it, neither knows of the other's use.
    expect((await tea.vouchers.redeem(code, ctx)).ok).toBe(true)
    expect((await bakery.vouchers.redeem(code, ctx)).ok).toBe(true)
    const told = (g: Gateway) => g.app.services.backOffice.doubleUses.list().find((d) => d.uses.length === 2)
    await waitFor(() => told(tea) && told(bakery), 'both back offices told', 60_000)
    for (const [g, here] of [
      [tea, 'Store tea-1'],
      [bakery, 'Store bake-1'],
    ] as const) {
      const d = told(g)!
      expect(d.maxUses).toBe(1)
      expect(d.atRisk).toEqual({ amount: 1500, currency: 'CNY' })
      // Names from the store's trust list, the redemption here first (it was made first).
      expect(d.uses.map((u) => [u.storeName, u.here])).toEqual([
        ['Store tea-1', here === 'Store tea-1'],
        ['Store bake-1', here === 'Store bake-1'],
      ])
      expect(g.app.services.backOffice.doubleUses.open().count).toBe(1)
    }
    const rows = await report('double-use')
    expect(rows[0]).toBe('found,voucher,stores,uses,at_risk,currency,told')
    await waitFor(async () => (await report('double-use')).some((l) => l.endsWith(',15.00,CNY,bake-1 tea-1')), 'told')
    if (!withChromium) return
    const browser = await launchChromium()
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' })
      await page.goto(`${bakery.address}/admin/login?lang=en`)
      await page.fill('input[name=user]', 'mei')
      await page.fill('input[name=password]', PASSWORD)
      await page.click('button[type=submit]')
      await page.waitForURL(/\/admin$/)
      await page.waitForSelector('.alarm.double_use')
      expect(await page.textContent('.alarm.double_use')).toMatch(/used here and at another store/)
      await screenshotEachLanguage(page, 'admin-double-use-alarm', '.lang')
      await page.click('.alarm.double_use a')
      await page.waitForSelector('.double-use')
      expect(await page.textContent('.double-use')).toMatch(/At risk: ¥15\.00.*Used 2 times, 1 allowed/s)
      expect(await smallTargets(page, 44)).toEqual([])
      await screenshotEachLanguage(page, 'admin-double-use', '.lang')
      await page.click('.double-use button[type=submit]')
      await page.waitForSelector('.double-use.is-handled')
      expect(await page.textContent('.double-use .handled')).toMatch(/Handled by Manager Mei/)
      expect(bakery.app.services.backOffice.doubleUses.open().count).toBe(0)
    } finally {
      await browser.close()
    }
  }, 120_000)

  it('refuses unknown stores, malformed batches and forged topics, and names a report that does not exist', async () => {
    const before = cloud.ingest.stats.refused
    await cloud.link.publish(
      'tillside/v1/stranger/events',
      JSON.stringify({
        v: 1,
        store: 'stranger',
        events: [{ seq: 1, id: 'x', type: 'scan', time: Date.now(), device: null, payload: {} }],
      }),
      { qos: 1 },
    )
    await waitFor(() => cloud.ingest.stats.refused > before, 'the stranger refused')
    expect((await cloud.db.stores()).map((s) => s.store)).not.toContain('stranger')
    // Malformed, and a store writing into another's topic tree: refused and counted, never stored.
    const marks = async () => (await cloud.db.stores()).map((s) => [s.store, s.contiguous, s.received])
    const stored = await marks()
    await cloud.link.publish('tillside/v1/tea-1/events', '{"v":1,"store":"tea-1","events":[{"seq":', { qos: 1 })
    const forged = {
      v: 1,
      store: 'tea-1',
      events: [{ seq: 9999, id: 'f', type: 'scan', time: 1, device: null, payload: {} }],
    }
    await cloud.link.publish('tillside/v1/bake-1/events', JSON.stringify(forged), { qos: 1 })
    await waitFor(() => cloud.ingest.stats.refused >= before + 3, 'both refused')
    expect(await marks()).toEqual(stored)
    const wrong = await cli('report', 'profits', '--from', today, '--to', today)
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toMatch(/no report "profits" \(reports: attribution, vouchers, settlement/)
    const backwards = await cli('report', 'settlement', '--from', today, '--to', '2020-01-01')
    expect(backwards.stderr).toMatch(/to 2020-01-01 is before from/)
  }, 60_000)
})
