import { AdminAuth } from '../../gateway/admin/admin-auth.js'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { backoffDelay } from '../../gateway/backoff.js'
import { buildApp } from '../../gateway/http/app.js'
import type { GatewayServices } from '../../gateway/http/services.js'
import type { JournalHealth } from '../../gateway/store/journal.js'
import { parseConfig } from '../../config/load.js'
import { silentLogger } from '../../gateway/log.js'
import { LinkSigner } from '../../gateway/auth/signed-links.js'
import { CashierSessions } from '../../gateway/till/cashier-sessions.js'

describe('backoffDelay', () => {
  it('grows exponentially, is capped, and jitters within [exp/2, exp]', () => {
    fc.assert(
      fc.property(
        fc.nat(100),
        fc.integer({ min: 10, max: 1000 }),
        fc.integer({ min: 1000, max: 60_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (attempt, initial, max, r) => {
          const exp = Math.min(max, initial * 2 ** Math.min(attempt, 30))
          const d = backoffDelay(attempt, initial, max, () => r)
          expect(d).toBeGreaterThanOrEqual(Math.floor(exp / 2))
          expect(d).toBeLessThanOrEqual(Math.ceil(exp))
        },
      ),
    )
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, 500, 30_000, () => 1))).toEqual([500, 1000, 2000, 4000, 30_000])
  })

  it('with full jitter spreads over [0, exp] — the broker link, so stores do not return in lockstep', () => {
    fc.assert(
      fc.property(fc.nat(100), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
        const d = backoffDelay(attempt, 1000, 15_000, () => r, 'full')
        expect(d).toBeGreaterThanOrEqual(0)
        expect(d).toBeLessThanOrEqual(Math.min(15_000, 1000 * 2 ** Math.min(attempt, 30)))
      }),
    )
    // A store never waits longer than the cap after its broker is back (was 60 s by default, seen 35 s idle).
    expect(parseConfig('store: { id: s, name: S }', 'x').sync.reconnect.maxMs).toBe(15_000)
    expect(backoffDelay(50, 1000, 15_000, () => 0.999, 'full')).toBeLessThanOrEqual(15_000)
  })
})

function services(journalState: JournalHealth['state'], dev = true): GatewayServices {
  const config = parseConfig(
    `store: { id: s, name: S }\ndev: ${dev}\ndevices: [{ id: sim, kind: scanner, role: till, transport: { type: simulator } }]`,
    'x',
  )
  return {
    config,
    version: '0.0.0-test',
    brand: { logo: null, slipLogo: null },
    admin: new AdminAuth(config.admin, silentLogger(), async () => {}),
    bus: { on: () => {}, off: () => {} },
    rollups: {} as GatewayServices['rollups'],
    backOffice: {} as GatewayServices['backOffice'],
    startedAt: new Date(),
    journal: { getHealth: () => ({ state: journalState }) as JournalHealth, observeCommits: () => () => true },
    integrity: { status: () => ({ result: null, checkedAt: null, alarm: null }) },
    scans: { stats: () => ({ scans: 0, rejected: 0, lastScanAt: null, lastRejected: null }) },
    vouchers: {} as GatewayServices['vouchers'],
    till: {} as GatewayServices['till'],
    members: {} as GatewayServices['members'],
    pos: {} as GatewayServices['pos'],
    messages: {} as GatewayServices['messages'],
    cards: {} as GatewayServices['cards'],
    armedDebits: {} as GatewayServices['armedDebits'],
    chainPay: {} as GatewayServices['chainPay'],
    segments: {} as GatewayServices['segments'],
    print: { printers: () => [] } as unknown as GatewayServices['print'],
    cashiers: new CashierSessions([], 60_000),
    links: new LinkSigner(Buffer.alloc(32)),
    kiosk: { limits: { recent: () => [] } } as unknown as GatewayServices['kiosk'],
    sync: {
      status: () => ({ broker: 'none', state: 'disabled', since: new Date().toISOString(), connects: 0, alarm: null }),
    },
    devices: {
      status: () => [],
      simulateScan: async () => {
        throw new Error('database password is hunter2')
      },
    },
  }
}

describe('HTTP app', () => {
  it('/healthz is 503 when the journal cannot record', async () => {
    const app = await buildApp({ services: services('failed'), logger: silentLogger() })
    const r = await app.inject('/healthz')
    expect([r.statusCode, r.json()]).toEqual([503, { status: 'unavailable', journal: 'failed' }])
  })

  it('rejects bad bodies with a precise 400 and hides 5xx internals', async () => {
    const app = await buildApp({ services: services('ok'), logger: silentLogger() })
    const bad = await app.inject({ method: 'POST', url: '/api/dev/scan', payload: { data: '' } })
    expect(bad.statusCode).toBe(400)
    expect(bad.json()).toMatchObject({
      error: 'invalid_request',
      message: expect.stringMatching(/data must NOT have fewer than 1 characters/),
    })
    const extra = await app.inject({ method: 'POST', url: '/api/dev/scan', payload: { data: 'x', colour: 'red' } })
    expect(extra.statusCode).toBe(400)
    const boom = await app.inject({ method: 'POST', url: '/api/dev/scan', payload: { data: 'x' } })
    expect([boom.statusCode, boom.json()]).toEqual([
      500,
      { error: 'internal', message: 'internal error; see the gateway log' },
    ])
    expect((await app.inject('/nope')).json()).toEqual({ error: 'not_found', message: 'no route GET /nope' })
  })

  it('has no /api/dev routes outside dev mode', async () => {
    const app = await buildApp({ services: services('ok', false), logger: silentLogger() })
    expect((await app.inject({ method: 'POST', url: '/api/dev/scan', payload: { data: 'x' } })).statusCode).toBe(404)
  })
})
