/**
 * Who a guest is on the portal: the session cookie set at login (signed), or else the
 * open session of the address the request comes from. Also the portal's own base URL
 * as the guest reaches it: a redirected request names a foreign host (captive.apple.com),
 * so the address the connection arrived at is the truth, not the Host header.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { LinkSigner } from '../../auth/signed-links.js'
import type { OpenSession, PortalSessions } from '../../portal/portal-sessions.js'
import { readCookie } from '../cookies.js'

export const GUEST_COOKIE = 'tillside_guest'

export function guestOf(req: FastifyRequest, sessions: PortalSessions, links: LinkSigner): OpenSession | null {
  const cookie = readCookie(req.headers.cookie, GUEST_COOKIE)
  if (cookie) {
    const [id, exp, sig] = cookie.split('.')
    if (id && links.check(`guest/${id}`, exp, sig) === 'ok') {
      const session = sessions.byId(id)
      if (session) return session
    }
  }
  return sessions.at(req.ip)
}

export function setGuestCookie(reply: FastifyReply, session: OpenSession, links: LinkSigner): void {
  const ttl = session.expiresAt - Date.now()
  const { exp, sig } = links.signature(`guest/${session.id}`, ttl)
  reply.header(
    'set-cookie',
    `${GUEST_COOKIE}=${session.id}.${exp}.${sig}; Path=/; Max-Age=${Math.floor(ttl / 1000)}; HttpOnly; SameSite=Lax`,
  )
}
