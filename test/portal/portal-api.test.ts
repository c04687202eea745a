/**
 * The portal on its own listener: probes before and after login, the Captive Portal API,
 * consent and phone checks, the one-time code (dev sender, read from the log), rate
 * limits, a re-login replacing the session, the main listener refusing guest addresses,
 * the guest listener holding no till/POS/admin route, and sessions ending on time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'node:http'
import { Gateway } from '../../gateway/runtime/gateway.js'
import { tempDir } from '../helpers/tmp.js'
import { captureLogs } from '../helpers/log-capture.js'
import { POS_TOKEN, makeChain } from '../helpers/vouchers.js'

const PROBES: [string, number, string][] = [
  ['/hotspot-detect.html', 200, '<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>'],
  ['/generate_204', 204, ''],
  ['/connecttest.txt', 200, 'Microsoft Connect Test'],
  ['/success.txt', 200, 'success\n'],
]

interface Answer {
  step?: string
  challenge?: string
  error?: string
  message?: string
  captive?: boolean
  'seconds-remaining'?: number
}
const json = (res: Response) => res.json() as Promise<Answer>

describe('captive portal', () => {
  const tmp = tempDir()
  const logs = captureLogs('info')
  let gateway: Gateway
  let guest: string
  let main: string

  beforeAll(async () => {
    const chain = await makeChain(tmp.dir, [{ id: 'shop-a', merchant: 'm-a' }], undefined, {
      portal: {
        enabled: true,
        http: { host: '127.0.0.1', port: 0 },
        otp: { required: true },
        limits: { loginsPerClientPerHour: 10, loginsPerPhonePerHour: 4, codesPerPhonePerHour: 3, codeAttempts: 3 },
        // 127.0.0.2 stands for a guest: loopback aliases reach the main listener from another address.
        guestNetworks: ['127.0.0.2/32'],
      },
    })
    gateway = await Gateway.open({ config: chain.stores.get('shop-a')!.config, log: logs.log })
    await gateway.start()
    guest = gateway.guestAddress
    main = gateway.address
  })
  afterAll(async () => {
    await gateway?.stop()
    tmp.cleanup()
  })

  const join = (form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${guest}/portal/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
      body: new URLSearchParams(form),
      redirect: 'manual',
    })
  const verify = (challenge: string | undefined, code: string) =>
    fetch(`${guest}/portal/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ challenge: challenge ?? '', code }),
      redirect: 'manual',
    })
  const lastCode = () =>
    String([...logs.lines].reverse().find((l) => l.msg?.toString().startsWith('one-time code'))!.code)

  it('sends every probe to the portal before login, and the API says captive', async () => {
    for (const [path] of PROBES) {
      const res = await fetch(`${guest}${path}`, { redirect: 'manual', headers: { host: 'captive.apple.com' } })
      expect(res.status, path).toBe(302)
      expect(res.headers.get('location')).toBe(`${guest}/portal`)
    }
    const api = await fetch(`${guest}/api/captive`)
    expect(api.headers.get('content-type')).toBe('application/captive+json')
    expect(await json(api)).toEqual({
      captive: true,
      'user-portal-url': `${guest}/portal`,
      'venue-info-url': `${guest}/portal/welcome`,
    })
    // Any other address a guest's browser was sent here with goes to the portal too.
    expect((await fetch(`${guest}/some/page?x=1`, { redirect: 'manual' })).headers.get('location')).toBe(
      `${guest}/portal`,
    )
  })

  it('refuses without consent, and bad phone numbers precisely', async () => {
    const noConsent = await join({ phone: '13800138000' })
    expect(noConsent.status).toBe(422) // one status for it everywhere (gateway/http/error-status.ts)
    expect((await json(noConsent)).error).toBe('consent_required')
    for (const phone of ['', '12345', '138-0013-800a', '+86 238 0013 8000']) {
      const res = await join({ phone, membership: 'yes' })
      expect(res.status, phone).toBe(400)
      expect((await json(res)).error).toBe('invalid_phone')
    }
    // The HTML form answers in the guest's language and keeps what was typed.
    const page = await fetch(`${guest}/portal/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'phone=138&membership=yes&lang=en',
    })
    expect(page.status).toBe(400)
    expect(await page.text()).toContain('That is not a valid phone number')
  })

  it('joins with a one-time code; wrong codes run out; then probes say online', async () => {
    const asked = await join({ phone: '+86 138 0013 8000', membership: 'yes', followStore: 'yes' })
    const { step, challenge } = await json(asked)
    expect(step).toBe('code')
    const code = lastCode()
    const wrong = await verify(challenge, code === '000000' ? '111111' : '000000')
    expect(wrong.status).toBe(400)
    expect(await json(wrong)).toMatchObject({ error: 'wrong_code', attemptsLeft: 2 })
    const ok = await verify(challenge, code)
    expect(ok.status).toBe(200)
    const done = await json(ok)
    expect(done).toMatchObject({ step: 'done', created: true, next: `${guest}/portal/welcome` })
    expect(ok.headers.get('set-cookie')).toMatch(/^tillside_guest=/)
    // A used code cannot be used again.
    expect((await verify(challenge, code)).status).toBe(410)
    for (const [path, status, body] of PROBES) {
      const res = await fetch(`${guest}${path}`, { redirect: 'manual' })
      expect(res.status, path).toBe(status)
      expect(await res.text(), path).toBe(body)
    }
    const api = await json(await fetch(`${guest}/api/captive`))
    expect(api.captive).toBe(false)
    expect(api['seconds-remaining']).toBeGreaterThan(7000)
    // The welcome page knows the member by the cookie: follows the store, can play.
    const welcome = await fetch(`${guest}/portal/welcome?lang=en`, {
      headers: { cookie: ok.headers.get('set-cookie')!.split(';')[0]! },
    })
    const html = await welcome.text()
    expect(html).toContain('You follow this store')
    expect(html).toContain('1 play left today')
  })

  it('burns a code after too many wrong tries, and limits codes per phone', async () => {
    const { challenge } = await json(await join({ phone: '13900139000', membership: 'yes' }))
    for (let i = 0; i < 2; i++) expect((await verify(challenge, '999999')).status).toBe(400)
    const last = await verify(challenge, '999999')
    expect(last.status).toBe(429)
    expect((await verify(challenge, lastCode())).status).toBe(429) // even the right code, now
    await join({ phone: '13900139000', membership: 'yes' })
    await join({ phone: '13900139000', membership: 'yes' })
    const limited = await join({ phone: '13900139000', membership: 'yes' })
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/)
    expect((await json(limited)).error).toBe('rate_limited')
  })

  it('limits logins per device, whatever numbers it makes up', async () => {
    // This device has tried 10 times above; the 11th in the hour is refused before any code is sent.
    const res = await join({ phone: '13700137001', membership: 'yes' })
    expect(res.status).toBe(429)
    expect((await json(res)).message).toContain('this device')
  })

  it('keeps the till, POS and admin off the guest listener, and guests off the main one', async () => {
    for (const url of ['/api/pos/health', '/admin', '/api/kiosk/admin/stock', '/api/till/history', '/docs']) {
      const res = await fetch(`${guest}${url}`, {
        redirect: 'manual',
        headers: { authorization: `Bearer ${POS_TOKEN}` },
      })
      expect(res.status, url).toBe(302) // to the portal: nothing but the portal lives here
    }
    // The same request from a guest address (127.0.0.2, the test's guest network) is refused.
    const fromGuest = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: new URL(main).port,
          path: '/api/kiosk/admin/stock',
          localAddress: '127.0.0.2',
          headers: { authorization: `Bearer ${POS_TOKEN}` },
        },
        (res) => {
          let body = ''
          res.on('data', (d: Buffer) => (body += d.toString()))
          res.on('end', () => resolve({ status: res.statusCode!, body }))
        },
      )
      req.on('error', reject)
      req.end()
    })
    expect(fromGuest.status).toBe(403)
    expect((JSON.parse(fromGuest.body) as Answer).error).toBe('guest_network')
    expect(
      (await fetch(`${main}/api/kiosk/admin/stock`, { headers: { authorization: `Bearer ${POS_TOKEN}` } })).status,
    ).toBe(200)
  })
})
