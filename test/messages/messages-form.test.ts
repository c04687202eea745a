/**
 * The back office's message form over HTTP: a refusal comes back as a 4xx page that names
 * the field (or says why nobody would get it), what was typed kept in the form; a CSRF
 * token and a manager are required; a picture too big is refused before it is read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashPassword } from '../../gateway/auth/secrets.js'
import { csrfOf, loggedIn } from '../helpers/admin.js'
import { startStoreGateway } from '../helpers/vouchers.js'

const PASSWORD = 'correct horse battery'

describe('the message form', () => {
  let g: Awaited<ReturnType<typeof startStoreGateway>>
  let admin: Awaited<ReturnType<typeof loggedIn>>

  beforeAll(async () => {
    const passwordHash = await hashPassword(PASSWORD)
    g = await startStoreGateway({
      admin: {
        users: [
          { id: 'mei', name: 'Mei', role: 'manager', passwordHash },
          { id: 'sam', name: 'Sam', role: 'staff', passwordHash },
        ],
      },
      messages: { quietHours: null },
    })
    await g.gateway.members.enrol({
      phone: '13500000001',
      consents: { membership: true, followStore: true },
      channel: 'portal',
    })
    admin = await loggedIn(g.app, 'mei', PASSWORD)
  })
  afterAll(() => g.stop())

  const send = async (form: Record<string, string>, as = admin) => {
    const csrf = csrfOf((await as.get('/admin/messages?lang=en')).body)
    return as.post('/admin/messages', { _csrf: csrf, action: 'send', audience: 'followers', ...form })
  }

  it('names the field that is wrong, keeping what was typed', async () => {
    const r = await send({ title_en: 'x'.repeat(61), body_en: 'Typed text stays' })
    expect(r.statusCode).toBe(422)
    expect(r.body).toContain('title.en: longer than 60 characters')
    expect(r.body).toContain('Typed text stays')
  })

  it('says why nobody would get a message', async () => {
    const r = await send({ title_en: 'Hello', body_en: 'Offer', campaign: '12' })
    expect(r.statusCode).toBe(422)
    expect(r.body).toContain('no member follows the store and accepts offers yet')
  })

  it('sends a good one, and refuses staff and a missing token', async () => {
    const r = await send({ title_en: 'Hello', body_en: 'Tea class on Saturday' })
    expect(r.statusCode).toBe(303)
    expect(g.gateway.messages.list()).toHaveLength(1)
    const staff = await loggedIn(g.app, 'sam', PASSWORD)
    expect((await staff.get('/admin/messages')).statusCode).toBe(403)
    const noToken = await admin.post('/admin/messages', {
      action: 'send',
      title_en: 'x',
      body_en: 'y',
      audience: 'followers',
    })
    expect(noToken.statusCode).toBe(403)
    expect(g.gateway.messages.list()).toHaveLength(1)
  })
})
