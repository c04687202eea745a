/**
 * The kiosk game through the gateway's HTTP API: identify with consent, play once per
 * request id, the daily limit, stock never over-issued under concurrent plays from two
 * kiosks, the prize lease pushed as a command, the commit–reveal audit, the phone page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../../config/schema.js'
import { Gateway } from '../../gateway/runtime/gateway.js'
import { silentLogger } from '../../gateway/log.js'
import { KioskAudit } from '../../gateway/kiosk/kiosk-audit.js'
import { localDay } from '../../gateway/kiosk/local-day.js'
import { commandHandlers } from '../../gateway/runtime/command-handlers.js'
import { tempDir } from '../helpers/tmp.js'
import { POS_TOKEN, campaign, kioskCredential, kioskHeaders, makeChain } from '../helpers/vouchers.js'

const newPlayId = () => randomBytes(12).toString('base64url')
const phone = (n: number) => `138${String(10_000_000 + n).slice(-8)}`

describe('kiosk game', () => {
  const tmp = tempDir()
  let gateway: Gateway
  let app: FastifyInstance
  let config: Config

  beforeAll(async () => {
    const chain = await makeChain(
      tmp.dir,
      [{ id: 'shop-a', merchant: 'm-a' }],
      [
        campaign(),
        campaign({ id: 13, name: { en: 'Thanks for playing', zh: '谢谢参与' }, value: { item: { en: 'A sticker' } } }),
      ],
      {
        devices: [
          { id: 'kiosk-1', kind: 'scanner', role: 'kiosk', transport: { type: 'simulator' } },
          { id: 'kiosk-2', kind: 'scanner', role: 'kiosk', transport: { type: 'simulator' } },
        ],
        printers: [{ id: 'kp', role: 'kiosk', transport: { type: 'simulator' } }],
        kiosk: {
          credentials: [kioskCredential()],
          limits: { identifiesPerMinute: 600, playsPerMinute: 600 },
          game: {
            playsPerMemberPerDay: 2,
            prizes: [{ id: 'big', campaign: 12, stock: 5 }],
            consolation: { campaign: 13, weight: 1 },
          },
        },
      },
    )
    const base = chain.stores.get('shop-a')!.config
    // A store with its own colour (store.brand), which the kiosk and the phone pages take.
    config = { ...base, store: { ...base.store, brand: { primary: '#0b5394', accent: '#f2c14e' } } }
    gateway = await Gateway.open({ config, log: silentLogger() })
    await gateway.start()
    app = gateway.app
  })
  afterAll(async () => {
    await gateway?.stop()
    tmp.cleanup()
  })

  const identify = async (n: number, consent = true) =>
    app.inject({
      method: 'POST',
      url: '/api/kiosk/identify',
      headers: kioskHeaders,
      payload: { phone: phone(n), consents: { membership: consent }, kiosk: 'kiosk-1' },
    })
  const player = async (n: number) => (await identify(n)).json<{ player: string }>().player
  const play = (token: string, playId = newPlayId(), kiosk = 'kiosk-1') =>
    app.inject({
      method: 'POST',
      url: '/api/kiosk/play',
      headers: kioskHeaders,
      payload: { playId, player: token, kiosk },
    })

  it('needs consent to identify, then plays once per request id', async () => {
    expect((await identify(1, false)).json()).toMatchObject({ error: 'consent_required' })
    const token = await player(1)
    const id = newPlayId()
    const first = await play(token, id)
    expect(first.statusCode).toBe(200)
    const body = first.json<{
      repeat: boolean
      prize: { id: string }
      voucher: { code: string; url: string }
      print: { state: string }
    }>()
    expect(body).toMatchObject({
      repeat: false,
      voucher: { code: expect.stringMatching(/^TS1:/), url: expect.stringContaining('/v/TS1') },
      print: { state: expect.stringMatching(/queued|printing|done/) },
    })
    const again = (await play(token, id)).json<typeof body>()
    expect(again).toMatchObject({ repeat: true, prize: body.prize, voucher: { code: body.voucher.code } })
    expect(
      gateway.journal.reader.prepare('SELECT count(*) FROM print_jobs WHERE request_key = ?').pluck().get(`play:${id}`),
    ).toBe(1)
    expect((await app.inject({ url: `/api/kiosk/plays/${id}`, headers: kioskHeaders })).json()).toMatchObject({
      voucher: { code: body.voucher.code },
    })
  })

  it('holds the daily limit and refuses a forged or missing player token', async () => {
    const token = await player(2)
    expect((await play(token)).statusCode).toBe(200)
    expect((await play(token)).statusCode).toBe(200)
    expect((await play(token)).json()).toMatchObject({ error: 'daily_limit' })
    const [memberId] = token.split('.')
    expect((await play(`${memberId}.9999999999.forged-signature`)).json()).toMatchObject({ error: 'bad_player' })
  })

  it('never gives more prizes than the lease holds, with two kiosks playing at once', async () => {
    const players = await Promise.all(Array.from({ length: 40 }, (_, i) => player(100 + i)))
    const results = await Promise.all(players.map((t, i) => play(t, newPlayId(), i % 2 ? 'kiosk-2' : 'kiosk-1')))
    expect(results.every((r) => r.statusCode === 200)).toBe(true)
    const stock = new KioskAudit(gateway.journal).stock()
    const big = gateway.journal.reader
      .prepare("SELECT count(*) FROM kiosk_plays WHERE prize_id = 'big'")
      .pluck()
      .get() as number
    expect(big).toBe(5 - stock.prizes[0]!.remaining)
    expect(big).toBeLessThanOrEqual(5)
    // Every play is a voucher and a journaled draw with contiguous draw numbers.
    const draws = gateway.journal.reader.prepare('SELECT draw FROM kiosk_plays ORDER BY draw').pluck().all() as number[]
    expect(draws).toEqual(draws.map((_, i) => i + 1))
  })

  it('takes a pushed prize lease only when newer and about campaigns this store issues', async () => {
    const handlers = commandHandlers({
      config,
      authority: gateway.vouchers.authority,
      print: gateway.print,
      kiosk: gateway.kiosk,
      departures: gateway.app.services.backOffice.departures,
      doubleUses: gateway.app.services.backOffice.doubleUses,
      reannounce: () => {},
      chainHome: { cancel: () => Promise.resolve('') },
      messages: gateway.messages,
    })
    const meta = { id: 'c1', type: 'prize-inventory' }
    expect(
      await handlers['prize-inventory']!({ version: 3, prizes: [{ id: 'big', campaign: 12, stock: 2 }] }, meta),
    ).toBe('1 prize(s) leased')
    await expect(handlers['prize-inventory']!({ version: 2, prizes: [] }, meta)).rejects.toMatchObject({
      code: 'stale_version',
    })
    await expect(
      handlers['prize-inventory']!({ version: 4, prizes: [{ id: 'x', campaign: 999, stock: 1 }] }, meta),
    ).rejects.toThrow(/prizes\[0\]\.campaign: campaign 999 is not known/)
    await expect(
      handlers['prize-inventory']!({ version: 4, prizes: [{ id: 'x', campaign: 12 }] }, meta),
    ).rejects.toThrow(/stock/)
    expect(new KioskAudit(gateway.journal).stock()).toMatchObject({
      lease: { version: 3 },
      prizes: [{ id: 'big', granted: 2, remaining: 2 }],
    })
  })

  it("reveals a day's seed only after the day, and every draw re-verifies", async () => {
    const auth = { authorization: `Bearer ${POS_TOKEN}` }
    const day = localDay(Date.now())
    const now = (await app.inject({ url: `/api/kiosk/admin/audit/${day}`, headers: auth })).json<{
      commitment: string
      seed: string | null
      draws: number
    }>()
    expect(now).toMatchObject({ commitment: expect.stringMatching(/^[0-9a-f]{64}$/), seed: null })
    expect((await app.inject({ url: `/api/kiosk/admin/audit/${day}` })).statusCode).toBe(401)
    const later = new KioskAudit(gateway.journal).audit(day, Date.now() + 2 * 86_400_000)
    expect(later.seed).toMatch(/^[0-9a-f]{64}$/)
    expect(later.plays.length).toBe(now.draws)
    expect(later.plays.every((p) => p.verified === true)).toBe(true)
    const committed = gateway.journal.reader
      .prepare("SELECT json_extract(payload, '$.commitment') FROM events WHERE type = 'kiosk.seed_committed'")
      .pluck()
      .get()
    expect(committed).toBe(now.commitment)
  })

  it('shows the voucher on a phone page, and a clear page for codes that are not vouchers', async () => {
    const body = (await play(await player(3))).json<{ voucher: { path: string } }>()
    const page = await app.inject(body.voucher.path) // no Accept-Language: the store's Chinese
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-security-policy']).toContain("default-src 'none'")
    expect(page.body).toMatch(/出示此码给收银员扫描/)
    expect(page.body).not.toMatch(/Show this code/) // one language at a time, with a switch
    expect(page.body).toMatch(/<a href="\?lang=en" lang="en">English<\/a>/)
    expect(page.body).not.toMatch(/<script/)
    expect(page.body).toContain('background:#0b5394') // the store's colour, not Tillside's red
    expect(page.body).not.toContain('#b3261e')
    const en = await app.inject({ url: body.voucher.path, headers: { 'accept-language': 'en-GB,en;q=0.9' } })
    expect(en.body).toMatch(/Show this code to the cashier/)
    expect(en.body).not.toMatch(/\d+:\d+:\d+ |\(all stores\)|m-a\b/) // no voucher keys or merchant ids
    const junk = await app.inject('/v/not-a-voucher?lang=en')
    expect(junk.statusCode).toBe(404)
    expect(junk.body).toMatch(/This is not a voucher code we can read/)
    expect(junk.body).not.toMatch(/characters/)
  })
})
