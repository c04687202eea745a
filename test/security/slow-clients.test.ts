/**
 * Slow and greedy clients on real listeners (issue #13, item 3): a body sent a byte at a
 * time is cut off at the request timeout, one address holds only so many connections,
 * and a guest side full of them leaves the main listener answering.
 */
import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Gateway } from '../../gateway/runtime/gateway.js'
import { silentLogger } from '../../gateway/log.js'
import { tempDir } from '../helpers/tmp.js'
import { kioskCredential, makeChain } from '../helpers/vouchers.js'
import { waitFor } from '../helpers/wait.js'

const REQUEST_TIMEOUT_MS = 1500

/** Opens a connection and starts a POST whose body then trickles a byte every 200 ms. */
function trickle(
  base: string,
  path: string,
  headers: Record<string, string> = {},
): { socket: Socket; closed: Promise<number> } {
  const url = new URL(base)
  const socket = connect(Number(url.port), url.hostname)
  const started = Date.now()
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)))
  socket.on('error', () => {})
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')
  socket.write(
    `POST ${path} HTTP/1.1\r\nhost: ${url.host}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n${extra}\r\n{`,
  )
  const timer = setInterval(() => socket.write(' '), 200)
  socket.on('close', () => clearInterval(timer))
  return { socket, closed }
}

describe('slow and greedy clients', () => {
  const tmp = tempDir()
  let gateway: Gateway
  const open: Socket[] = []

  beforeAll(async () => {
    const chain = await makeChain(tmp.dir, [{ id: 'shop-a', merchant: 'm-a' }], undefined, {
      http: { port: 0, requestTimeoutMs: REQUEST_TIMEOUT_MS },
      kiosk: { credentials: [kioskCredential()] },
      portal: {
        enabled: true,
        http: {
          host: '127.0.0.1',
          port: 0,
          requestTimeoutMs: REQUEST_TIMEOUT_MS,
          maxConnectionsPerAddress: 4,
          maxConnections: 16,
        },
      },
    })
    gateway = await Gateway.open({ config: chain.stores.get('shop-a')!.config, log: silentLogger() })
    await gateway.start()
  })
  afterAll(async () => {
    for (const s of open) s.destroy()
    await gateway?.stop()
    tmp.cleanup()
  })

  it('cuts off a body that trickles in, on the guest and the main listener', async () => {
    const slow = [
      trickle(gateway.guestAddress, '/portal/join'),
      trickle(gateway.address, '/api/kiosk/identify'),
      trickle(gateway.address, '/api/pos/vouchers/redeem', { authorization: 'Bearer test-pos-token-0123456789' }),
    ]
    open.push(...slow.map((s) => s.socket))
    const lasted = await Promise.all(slow.map((s) => s.closed))
    // Node checks the timeout every second: cut off after the timeout, well before a minute.
    for (const ms of lasted) {
      expect(ms).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100)
      expect(ms).toBeLessThan(REQUEST_TIMEOUT_MS + 8_000)
    }
  })

  it('refuses connections over the per-address cap, and the main listener keeps answering', async () => {
    const held = Array.from({ length: 10 }, () => {
      const url = new URL(gateway.guestAddress)
      const s = connect(Number(url.port), url.hostname)
      s.on('error', () => {})
      open.push(s)
      // An accepted connection answers a probe; a refused one closes without a byte.
      return new Promise<'open' | 'refused'>((resolve) => {
        s.once('close', () => resolve('refused'))
        s.once('data', () => resolve('open'))
        s.once('connect', () => s.write(`GET /generate_204 HTTP/1.1\r\nhost: ${url.host}\r\n\r\n`))
      })
    })
    const outcomes = await Promise.all(held)
    expect(outcomes.filter((o) => o === 'open')).toHaveLength(4)
    const health = await waitFor(async () => (await fetch(`${gateway.address}/healthz`)).ok, 'main listener answering')
    expect(health).toBe(true)
  })
})
