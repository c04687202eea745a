/**
 * The address a page or a QR code sends a browser to. Taken from the config when set,
 * else from the listener the request came in on (its local address and port) — never
 * from the request's Host header, which the client writes (`Host: evil.example` put a
 * QR to evil.example on the kiosk; issue #13).
 */
import type { FastifyRequest } from 'fastify'

export function publicBase(req: FastifyRequest, configured: string | undefined): string {
  if (configured) return configured.replace(/\/$/, '')
  const { localAddress, localPort } = req.socket
  const host = localAddress?.startsWith('::ffff:') ? localAddress.slice(7) : (localAddress ?? '127.0.0.1')
  return `http://${host.includes(':') ? `[${host}]` : host}:${localPort}`
}
