/**
 * PIN guessing against a real listener (issue #13, item 1): guesses sent all at once
 * were each let through because the lock was decided after the slow hash. Now at most
 * five guesses per address (and per cashier for voids) are ever checked per lockout.
 */
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Gateway } from '../../gateway/runtime/gateway.js'
import { CASHIER_PIN, POS_TOKEN, startStoreGateway } from '../helpers/vouchers.js'

interface Answer {
  status: number
  body: { error?: string }
  retryAfter: string | undefined
}

/** A POST to the real listener, optionally from another loopback address. */
function post(
  base: string,
  path: string,
  body: unknown,
  from = '127.0.0.1',
  headers: Record<string, string> = {},
): Promise<Answer> {
  const url = new URL(path, base)
  const data = JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress: from,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...headers },
      },
      (res) => {
        let text = ''
        res.on('data', (c: Buffer) => (text += c.toString()))
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            body: JSON.parse(text || '{}') as Answer['body'],
            retryAfter: res.headers['retry-after'] as string | undefined,
          }),
        )
      },
    )
    req.on('error', reject)
    req.end(data)
  })
}

const count = (answers: Answer[], status: number) => answers.filter((a) => a.status === status).length

describe('PIN guessing in parallel', () => {
  let gateway: Gateway
  let stop: () => Promise<void>
  let base: string
  beforeAll(async () => {
    ;({ gateway, stop } = await startStoreGateway())
    base = gateway.address
  })
  afterAll(() => stop())

  it('checks at most five of 32 simultaneous wrong PINs, then refuses even the right one', async () => {
    const wrong = ['0000', '1111', '1234', '9999']
    const answers = await Promise.all(
      Array.from({ length: 32 }, (_, i) => post(base, '/api/till/login', { pin: wrong[i % wrong.length] })),
    )
    expect(count(answers, 403)).toBeLessThanOrEqual(5)
    expect(count(answers, 429)).toBeGreaterThanOrEqual(27)
    expect(count(answers, 403) + count(answers, 429)).toBe(32)
    const right = await post(base, '/api/till/login', { pin: CASHIER_PIN })
    expect(right.status).toBe(429)
    expect(right.body.error).toBe('locked_out')
    expect(Number(right.retryAfter)).toBeGreaterThan(200) // the lock holds for minutes, not until a late failure
    // Another address is not locked out by this one.
    expect((await post(base, '/api/till/login', { pin: CASHIER_PIN }, '127.0.0.3')).status).toBe(200)
    expect(gateway.cashiers.lockedKeys).toContain('source:127.0.0.1')
  })

  it("locks a cashier's void PIN across addresses, and the POS void the same way", async () => {
    const auth = { authorization: `Bearer ${POS_TOKEN}` }
    const body = { redemptionId: '01JAAAAAAAAAAAAAAAAAAAAAAA', cashier: 'ann', pin: '0000' }
    // Four addresses guess in parallel: the cashier key admits five guesses in all.
    const from = ['127.0.0.4', '127.0.0.5', '127.0.0.6', '127.0.0.7']
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) => post(base, '/api/pos/vouchers/void', body, from[i % from.length], auth)),
    )
    expect(count(answers, 403)).toBeLessThanOrEqual(5)
    expect(count(answers, 429)).toBeGreaterThanOrEqual(19)
    const right = await post(base, '/api/pos/vouchers/void', { ...body, pin: CASHIER_PIN }, '127.0.0.8', auth)
    expect(right.status).toBe(429)
    expect(gateway.cashiers.lockedKeys).toContain('cashier:ann')
  })
})
