/**
 * Draining the kiosk from the store LAN (issue #13, item 2): without a kiosk token the
 * kiosk API answers nothing; with one, a script enrolling made-up phone numbers is held
 * at the kiosk's rate limits and raises an alarm — on a real listener.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Gateway } from '../../gateway/runtime/gateway.js'
import { silentLogger } from '../../gateway/log.js'
import { tempDir } from '../helpers/tmp.js'
import { KIOSK_TOKEN, campaign, kioskCredential, kioskHeaders, makeChain } from '../helpers/vouchers.js'

describe('kiosk credential and limits', () => {
  const tmp = tempDir()
  let gateway: Gateway
  let base: string
  const post = (path: string, body: object, headers: Record<string, string> = kioskHeaders) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    })
  const identify = (n: number, headers?: Record<string, string>) =>
    post('/api/kiosk/identify', { phone: `139${String(10_000_000 + n)}`, consents: { membership: true } }, headers)

  beforeAll(async () => {
    const chain = await makeChain(tmp.dir, [{ id: 'shop-a', merchant: 'm-a' }], [campaign()], {
      devices: [{ id: 'kiosk-1', kind: 'scanner', role: 'kiosk', transport: { type: 'simulator' } }],
      kiosk: {
        credentials: [kioskCredential('front', 'kiosk-1')],
        limits: { identifiesPerMinute: 4, identifiesPerHour: 20, playsPerMinute: 3 },
        game: { playsPerMemberPerDay: 50, prizes: [{ id: 'big', campaign: 12, stock: 100 }] },
      },
    })
    gateway = await Gateway.open({ config: chain.stores.get('shop-a')!.config, log: silentLogger() })
    await gateway.start()
    base = gateway.address
  })
  afterAll(async () => {
    await gateway?.stop()
    tmp.cleanup()
  })

  it('answers nothing of the kiosk API without a kiosk token', async () => {
    for (const headers of [
      {},
      { 'x-kiosk-token': 'test-pos-token-0123456789' },
      { cookie: 'tillside_kiosk=made-up-token-000000' },
    ] as Record<string, string>[]) {
      const r = await identify(1, headers)
      expect(r.status).toBe(401)
      expect(await r.json()).toMatchObject({ error: 'kiosk_unpaired' })
    }
    expect((await fetch(`${base}/api/kiosk/setup`)).status).toBe(401)
    expect((await fetch(`${base}/api/kiosk/scans`)).status).toBe(401)
    expect((await post('/api/kiosk/play', { playId: 'a'.repeat(20), player: 'x'.repeat(20) }, {})).status).toBe(401)
    expect(gateway.journal.reader.prepare('SELECT count(*) FROM members').pluck().get()).toBe(0)
  })

  it('pairs a browser with the token (HttpOnly cookie), refuses wrong tokens and binds the kiosk to its scanner', async () => {
    expect((await post('/api/kiosk/pair', { token: 'wrong-token-0000000000' }, {})).status).toBe(403)
    const paired = await post('/api/kiosk/pair', { token: KIOSK_TOKEN }, {})
    expect(await paired.json()).toEqual({ kiosk: 'front' })
    const cookie = paired.headers.get('set-cookie')!
    expect(cookie).toMatch(/^tillside_kiosk=[^;]+; Path=\/; HttpOnly; SameSite=Strict/)
    const setup = await fetch(`${base}/api/kiosk/setup`, { headers: { cookie: cookie.split(';')[0]! } })
    expect(await setup.json()).toMatchObject({ kiosk: 'kiosk-1' })
    expect((await fetch(`${base}/api/kiosk/setup?kiosk=another`, { headers: kioskHeaders })).status).toBe(403)
  })

  it('holds a script enrolling made-up numbers at the limit, with an alarm', async () => {
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => identify(100 + i)))
    const ok = answers.filter((r) => r.status === 200)
    const busy = answers.filter((r) => r.status === 429)
    expect(ok.length).toBe(4)
    expect(busy.length).toBe(26)
    expect(Number(busy[0]!.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await busy[0]!.json()).toMatchObject({ error: 'kiosk_busy' })
    expect(gateway.journal.reader.prepare('SELECT count(*) FROM members').pluck().get()).toBe(4)
    const status = (await (await fetch(`${base}/api/status`)).json()) as {
      kiosk: { alarms: { kiosk: string; action: string }[] }
    }
    expect(status.kiosk.alarms).toEqual([
      expect.objectContaining({ kiosk: 'front', action: 'identify', limit: '4/minute' }),
    ])
    const alarms = gateway.journal.reader
      .prepare("SELECT count(*) FROM events WHERE type = 'kiosk.limit_reached'")
      .pluck()
      .get()
    expect(alarms).toBe(1) // one alarm per kiosk and action and hour, not one per refusal
  })

  it('holds plays at the per-minute limit', async () => {
    // A member the script did enrol, playing as fast as it can.
    const member = gateway.journal.reader.prepare('SELECT id FROM members LIMIT 1').pluck().get() as string
    const { exp, sig } = gateway.app.services.links.signature(`player/${member}`, 60_000)
    const plays = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        post('/api/kiosk/play', {
          playId: `drain-play-${String(i).padStart(8, '0')}`,
          player: `${member}.${exp}.${sig}`,
        }),
      ),
    )
    expect(plays.filter((r) => r.status === 200).length).toBe(3)
    expect(plays.filter((r) => r.status === 429).length).toBe(5)
    expect(gateway.journal.reader.prepare('SELECT count(*) FROM kiosk_plays').pluck().get()).toBe(3)
  })
})
