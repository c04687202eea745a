/**
 * The smaller holes of issue #13, item 4, on real listeners: an unknown preview, a portal
 * form with a non-string phone, the prize QR under a forged Host, nosniff and CSP, and
 * the data directory's modes.
 */
import { request } from 'node:http'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Gateway } from '../../gateway/runtime/gateway.js'
import { KIOSK_TOKEN, POS_TOKEN, kioskCredential, kioskHeaders, startStoreGateway } from '../helpers/vouchers.js'

/** A raw request, so the Host header is whatever we say. */
function raw(
  base: string,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(base)
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: opts.method ?? 'GET',
        headers: opts.headers,
        setHost: !opts.headers?.host,
      },
      (res) => {
        let body = ''
        res.on('data', (c: Buffer) => (body += c.toString()))
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
      },
    )
    req.on('error', reject)
    req.end(opts.body)
  })
}

describe('small holes', () => {
  let gateway: Gateway
  let stop: () => Promise<void>
  beforeAll(async () => {
    ;({ gateway, stop } = await startStoreGateway({
      devices: [{ id: 'kiosk-1', kind: 'scanner', role: 'kiosk', transport: { type: 'simulator' } }],
      printers: [{ id: 'kp', role: 'kiosk', transport: { type: 'simulator' } }],
      kiosk: { credentials: [kioskCredential()], game: { prizes: [{ id: 'big', campaign: 12, stock: 5 }] } },
      portal: { enabled: true, http: { host: '127.0.0.1', port: 0 } },
    }))
  })
  afterAll(() => stop())

  it('answers 404 in JSON for the preview of an unknown print job', async () => {
    const r = await raw(gateway.address, '/api/print/jobs/01JAAAAAAAAAAAAAAAAAAAAAAA/preview', {
      headers: { authorization: `Bearer ${POS_TOKEN}` },
    })
    expect(r.status).toBe(404)
    expect(JSON.parse(r.body)).toMatchObject({ error: 'unknown_job' })
  })

  it('refuses a portal form whose phone is not text, and takes a number as its digits', async () => {
    const post = (body: object) =>
      raw(gateway.guestAddress, '/portal/join', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
      })
    const object = await post({ phone: { length: 11 }, membership: 'yes' })
    expect(object.status).toBe(400)
    expect(JSON.parse(object.body)).toMatchObject({ error: 'invalid_request' })
    expect((await post({ phone: ['1', '2'], membership: 'yes' })).status).toBe(400)
    const number = await post({ phone: 13800138000, membership: 'yes' })
    expect(number.status).toBe(200)
    const html = await raw(gateway.guestAddress, '/portal/join', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone: 12 }),
    })
    expect(html.status).toBeLessThan(500)
  })

  it('builds the prize QR from the listener, never from the Host header', async () => {
    const who = await raw(gateway.address, '/api/kiosk/identify', {
      method: 'POST',
      headers: { ...kioskHeaders, 'content-type': 'application/json' },
      body: JSON.stringify({ phone: '13800138001', consents: { membership: true } }),
    })
    const { player } = JSON.parse(who.body) as { player: string }
    const played = await raw(gateway.address, '/api/kiosk/play', {
      method: 'POST',
      headers: { 'x-kiosk-token': KIOSK_TOKEN, 'content-type': 'application/json', host: 'evil.example' },
      body: JSON.stringify({ playId: 'host-header-play-0001', player }),
    })
    expect(played.status).toBe(200)
    const url = (JSON.parse(played.body) as { voucher: { url: string } }).voucher.url
    expect(url.startsWith(`${gateway.address}/v/`)).toBe(true)
    expect(url).not.toContain('evil')
  })

  it('sends nosniff with every answer and a CSP with /docs', async () => {
    for (const [base, path] of [
      [gateway.address, '/till'],
      [gateway.address, '/kiosk'],
      [gateway.address, '/healthz'],
      [gateway.guestAddress, '/portal'],
      [gateway.address, '/docs/json'],
    ] as const) {
      const r = await raw(base, path)
      expect(r.headers['x-content-type-options'], path).toBe('nosniff')
    }
    const docs = await fetch(`${gateway.address}/docs`)
    expect(docs.status).toBe(200)
    expect(await docs.text()).toMatch(/swagger/i)
    const csp = docs.headers.get('content-security-policy')
    expect(csp).toMatch(/script-src 'self'/)
    expect(csp).not.toMatch(/upgrade-insecure-requests|https:/) // the gateway is plain HTTP, offline
  })

  it('keeps the data directory and the database private to the service user', () => {
    const dir = gateway.app.services.config.dataDir
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    for (const file of ['tillside.db', 'tillside.db-wal']) expect(statSync(join(dir, file)).mode & 0o077, file).toBe(0)
  })
})
