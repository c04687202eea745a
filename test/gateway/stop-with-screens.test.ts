/**
 * A stop with the cashier screen and the kiosk open (issue #13, item 9): their
 * server-sent event streams and keep-alive connections are closed at once, so a restart
 * is not held up for the shutdown timeout.
 */
import { request, type IncomingMessage } from 'node:http'
import { describe, expect, it } from 'vitest'
import { CASHIER_PIN, KIOSK_TOKEN, kioskCredential, startStoreGateway } from '../helpers/vouchers.js'

/** Opens an event stream and resolves once its first bytes arrived; `ended` when the server closed it. */
function openStream(
  url: string,
  headers: Record<string, string>,
): Promise<{ res: IncomingMessage; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (res) => {
      const ended = new Promise<void>((done) => res.on('close', () => done()))
      res.once('data', () => resolve({ res, ended }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('stopping with screens open', () => {
  it('closes the till and kiosk streams at once and stops promptly', async () => {
    const { gateway, stop } = await startStoreGateway({
      devices: [
        { id: 'till-1', kind: 'scanner', role: 'till', transport: { type: 'simulator' } },
        { id: 'kiosk-1', kind: 'scanner', role: 'kiosk', transport: { type: 'simulator' } },
      ],
      kiosk: { credentials: [kioskCredential('front', 'kiosk-1')] },
    })
    const login = await fetch(`${gateway.address}/api/till/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pin: CASHIER_PIN }),
    })
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!
    const streams = await Promise.all([
      openStream(`${gateway.address}/api/till/events`, { cookie }),
      openStream(`${gateway.address}/api/kiosk/scans`, { 'x-kiosk-token': KIOSK_TOKEN }),
      openStream(`${gateway.address}/api/kiosk/scans`, { 'x-kiosk-token': KIOSK_TOKEN }),
    ])
    // An idle keep-alive connection too, like a browser's.
    await fetch(`${gateway.address}/healthz`, { keepalive: true })
    const started = Date.now()
    await stop()
    const took = Date.now() - started
    await Promise.all(streams.map((s) => s.ended))
    // Was 15–17 s (the shutdown timeout) with a screen open; generous for a loaded machine.
    expect(took).toBeLessThan(5_000)
  })
})
