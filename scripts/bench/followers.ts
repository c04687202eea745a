/**
 * Helpers for the message fan-out bench and its SIGKILL test: followers written straight
 * into a store's database (as a store with a year of Wi-Fi guests has them), and the back
 * office driven over HTTP as a browser drives it.
 */
import { randomBytes } from 'node:crypto'
import Database from 'better-sqlite3'
import { Journal } from '../../gateway/store/journal.js'
import { silentLogger } from '../../gateway/log.js'

/** Members who follow the store and accept offers, written in one transaction (the schema made by a journal start). */
export async function writeFollowers(path: string, n: number): Promise<void> {
  const journal = new Journal(path, silentLogger())
  await journal.start()
  await journal.stop()
  const db = new Database(path)
  const member = db.prepare(
    'INSERT INTO members (id, phone_hash, phone_enc, qr_secret, created_at, created_seq) VALUES (?, ?, ?, ?, ?, 0)',
  )
  const consent = db.prepare(
    "INSERT INTO member_consents (member, kind, version, granted, channel, time, event_seq) VALUES (?, ?, '2026-11', 1, 'portal', ?, 0)",
  )
  const now = Date.now()
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const id = randomBytes(10).toString('hex')
      member.run(id, randomBytes(16).toString('hex'), null, randomBytes(20).toString('base64url'), now)
      consent.run(id, 'follow_store', now)
      consent.run(id, 'marketing', now)
    }
  })()
  db.close()
}

/** The back office over HTTP as a browser uses it: a session cookie and the forms' CSRF tokens. */
export async function backOffice(base: string, user: string, password: string) {
  const jar = new Map<string, string>()
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';')
      const [k, v] = pair!.split('=')
      jar.set(k!, v!)
    }
    return res
  }
  const csrf = async (path: string) => {
    const html = await keep(await fetch(`${base}${path}`, { headers: { cookie: cookie() } })).text()
    return /name="_csrf" value="([^"]+)"/.exec(html)![1]!
  }
  const post = async (path: string, form: Record<string, string>) =>
    keep(
      await fetch(`${base}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      }),
    )
  const login = await post('/admin/login', { _csrf: await csrf('/admin/login'), user, password, next: '/admin' })
  if (login.status !== 303) throw new Error(`back-office login: ${login.status}`)
  return {
    async send(form: Record<string, string>) {
      const res = await post('/admin/messages', { ...form, _csrf: await csrf('/admin/messages'), action: 'send' })
      if (res.status !== 303) throw new Error(`message not sent: ${res.status} ${await res.text()}`)
    },
  }
}
