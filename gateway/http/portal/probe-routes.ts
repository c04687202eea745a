/**
 * The operating systems' captive-portal probes and the RFC 8908 Captive Portal API.
 * Before login every probe is sent to the portal (so the phone opens its login sheet);
 * after login each gets the exact answer its OS expects, from here, whether or not the
 * store's internet is up. Answers come from the in-memory session index: no disk, no await.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { guestOf } from './guest-identity.js'
import { publicBase } from '../public-base.js'

/** Each probe's online answer, exactly as its OS checks it. */
const ONLINE: Record<string, { status: number; type?: string; body?: string }> = {
  // Apple (captive.apple.com); the older path is checked the same way.
  '/hotspot-detect.html': {
    status: 200,
    type: 'text/html',
    body: '<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>',
  },
  '/library/test/success.html': {
    status: 200,
    type: 'text/html',
    body: '<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>',
  },
  // Android and ChromeOS (connectivitycheck.gstatic.com, clients3.google.com).
  '/generate_204': { status: 204 },
  '/gen_204': { status: 204 },
  // Windows NCSI (www.msftconnecttest.com, www.msftncsi.com).
  '/connecttest.txt': { status: 200, type: 'text/plain', body: 'Microsoft Connect Test' },
  '/ncsi.txt': { status: 200, type: 'text/plain', body: 'Microsoft NCSI' },
  // Firefox (detectportal.firefox.com).
  '/success.txt': { status: 200, type: 'text/plain', body: 'success\n' },
  '/canonical.html': {
    status: 200,
    type: 'text/html',
    body: '<meta http-equiv="refresh" content="0;url=https://support.mozilla.org/kb/captive-portal"/>',
  },
}

export function probeRoutes(app: FastifyInstance): void {
  const { config, links } = app.services
  const { sessions } = app.services.portal!
  const publicUrl = config.portal.publicUrl

  const answer = (req: FastifyRequest, reply: FastifyReply) => {
    reply.header('cache-control', 'no-store')
    const online = ONLINE[req.routeOptions.url!]!
    if (!sessions.at(req.ip)) return reply.redirect(`${publicBase(req, publicUrl)}/portal`, 302)
    reply.code(online.status)
    if (online.type) reply.header('content-type', online.type)
    return reply.send(online.body ?? '')
  }
  for (const path of Object.keys(ONLINE)) app.get(path, { schema: { hide: true } }, answer)

  // Windows opens this to show the portal; once online it goes to the welcome page.
  app.get('/redirect', { schema: { hide: true } }, (req, reply) => {
    const base = publicBase(req, publicUrl)
    return reply
      .header('cache-control', 'no-store')
      .redirect(sessions.at(req.ip) ? `${base}/portal/welcome` : `${base}/portal`, 302)
  })

  // RFC 8908: the URI a router hands out in DHCP option 114 (RFC 8910); see docs/portal.md.
  app.get('/api/captive', { schema: { hide: true } }, (req, reply) => {
    const base = publicBase(req, publicUrl)
    const session = guestOf(req, sessions, links)
    const body: Record<string, unknown> = {
      captive: session === null,
      'user-portal-url': `${base}/portal`,
      'venue-info-url': `${base}/portal/welcome`,
    }
    if (session) {
      body['seconds-remaining'] = Math.max(0, Math.floor((session.expiresAt - Date.now()) / 1000))
      body['can-extend-session'] = true
    }
    // A Buffer, so no charset is appended to the RFC's media type.
    return reply
      .header('content-type', 'application/captive+json')
      .header('cache-control', 'private, no-store')
      .send(Buffer.from(JSON.stringify(body)))
  })
}
