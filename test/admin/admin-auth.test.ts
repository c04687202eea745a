/**
 * The back office's door: login with CSRF, the same answer for an unknown user and a
 * wrong password, lockout, idle sessions sent back to the login keeping the page asked
 * for, logout ending every session of the user, and no way in from the guest Wi-Fi.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { LightMyRequestResponse } from 'fastify'
import { browser, csrfOf } from '../helpers/admin.js'
import { hashPassword } from '../../gateway/auth/secrets.js'
import { startStoreGateway } from '../helpers/vouchers.js'

const PASSWORD = 'correct horse battery'

describe('back office login', () => {
  let g: Awaited<ReturnType<typeof startStoreGateway>>
  beforeAll(async () => {
    const passwordHash = await hashPassword(PASSWORD)
    g = await startStoreGateway({
      admin: {
        users: [
          { id: 'mei', name: 'Manager Mei', role: 'manager', passwordHash },
          { id: 'sam', name: 'Staff Sam', role: 'staff', passwordHash },
        ],
        sessionIdleMinutes: 5,
      },
    })
  })
  afterAll(() => g?.stop())
  afterEach(() => vi.useRealTimers())

  const login = async (user: string, password = PASSWORD, next = '/admin') => {
    const b = browser(g.app)
    const form = await b.get(`/admin/login?lang=en&next=${encodeURIComponent(next)}`)
    const res = await b.post('/admin/login', { _csrf: csrfOf(form.body), user, password, next })
    return { b, res }
  }

  it('sends / and /admin to the login, and back to the page asked for after it', async () => {
    expect((await g.app.inject({ method: 'GET', url: '/' })).headers.location).toBe('/admin')
    const b = browser(g.app)
    const first = await b.get('/admin')
    expect([first.statusCode, first.headers.location]).toEqual([303, '/admin/login?next=%2Fadmin'])
    const { res, b: mei } = await login('mei', PASSWORD, '/admin?x=1')
    expect([res.statusCode, res.headers.location]).toEqual([303, '/admin?x=1'])
    const page = await mei.get('/admin')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Manager Mei')
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/)
    const cookie = res.cookies.find((c) => c.name === 'tillside_admin')!
    expect([cookie.httpOnly, cookie.sameSite, cookie.path]).toEqual([true, 'Strict', '/admin'])
    // Never off to another site after the login.
    expect((await login('mei', PASSWORD, 'https://evil.example/')).res.headers.location).toBe('/admin')
    expect((await login('mei', PASSWORD, '//evil.example/admin')).res.headers.location).toBe('/admin')
  })

  it('gives the same answer for an unknown user and a wrong password, and needs the CSRF token', async () => {
    const wrong = (await login('mei', 'not the password')).res
    const unknown = (await login('nobody', 'not the password')).res
    expect([wrong.statusCode, unknown.statusCode]).toEqual([401, 401])
    const words = (r: LightMyRequestResponse) => /role="alert">([^<]*)</.exec(r.body)?.[1]
    expect(words(wrong)).toBe('Wrong user name or password')
    expect(words(unknown)).toBe(words(wrong))
    const b = browser(g.app)
    await b.get('/admin/login')
    const forged = await b.post('/admin/login', { _csrf: 'made-up', user: 'mei', password: PASSWORD })
    expect(forged.statusCode).toBe(403)
  })

  it('locks a user after five wrong passwords, even against the right one', async () => {
    for (let i = 0; i < 5; i++) expect((await login('sam', `guess number ${i}`)).res.statusCode).toBe(401)
    const locked = (await login('sam')).res
    expect(locked.statusCode).toBe(401)
    expect(locked.body).toMatch(/Too many wrong passwords — try again in 5 minutes/)
    const events = g.gateway.journal.reader
      .prepare("SELECT payload FROM events WHERE type = 'admin.session'")
      .all() as { payload: string }[]
    expect(events.map((e) => JSON.parse(e.payload))).toContainEqual({ user: 'sam', action: 'locked' })
  })

  it('ends an idle session, keeping the page asked for', async () => {
    const { b } = await login('mei')
    expect((await b.get('/admin')).statusCode).toBe(200)
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 6 * 60_000 })
    const later = await b.get('/admin?lang=en')
    expect(later.statusCode).toBe(303)
    expect(later.headers.location).toBe('/admin/login?next=%2Fadmin%3Flang%3Den&ended=1')
    expect((await b.get(later.headers.location as string)).body).toContain('You were away for a while')
  })

  it('logs out every session of the user, with the CSRF token', async () => {
    const one = await login('mei')
    const two = await login('mei')
    const page = await one.b.get('/admin')
    expect((await one.b.post('/admin/logout', {})).statusCode).toBe(403)
    expect((await one.b.post('/admin/logout', { _csrf: csrfOf(page.body) })).headers.location).toBe('/admin/login')
    expect((await two.b.get('/admin')).statusCode).toBe(303)
    expect((await two.b.get('/admin/api/overview')).statusCode).toBe(401)
  })
})

describe('the back office from the guest Wi-Fi', () => {
  it('is refused', async () => {
    const g = await startStoreGateway({ portal: { guestNetworks: ['127.0.0.0/8'] } })
    try {
      expect((await g.app.inject({ method: 'GET', url: '/admin/login' })).statusCode).toBe(403)
    } finally {
      await g.stop()
    }
  })
})
