/** A browser's cookie jar over app.inject, for the back office's forms and session; its test users. */
import { hashPassword } from '../../gateway/auth/secrets.js'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'

/** A browser's cookie jar over app.inject. */
export function browser(app: FastifyInstance) {
  const jar = new Map<string, string>()
  const keep = (res: LightMyRequestResponse) => {
    for (const c of res.cookies)
      if (c.value) jar.set(c.name, c.value)
      else jar.delete(c.name)
    return res
  }
  const cookie = () => [...jar].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ')
  return {
    jar,
    get: async (url: string) => keep(await app.inject({ method: 'GET', url, headers: { cookie: cookie() } })),
    post: async (url: string, form: Record<string, string>) =>
      keep(
        await app.inject({
          method: 'POST',
          url,
          headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams(form).toString(),
        }),
      ),
  }
}
export const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!

/** A logged-in back-office browser. */
export async function loggedIn(app: FastifyInstance, user: string, password: string) {
  const b = browser(app)
  const form = await b.get('/admin/login?lang=en')
  const res = await b.post('/admin/login', { _csrf: csrfOf(form.body), user, password, next: '/admin' })
  if (res.statusCode !== 303) throw new Error(`login as ${user} failed: ${res.statusCode}`)
  return b
}

/** A manager (mei) and a staff member (sam) with one password, for a store's `admin.users`. */
export async function managerAndStaff(password: string) {
  const passwordHash = await hashPassword(password)
  return [
    { id: 'mei', name: 'Manager Mei', role: 'manager' as const, passwordHash },
    { id: 'sam', name: 'Staff Sam', role: 'staff' as const, passwordHash },
  ]
}
