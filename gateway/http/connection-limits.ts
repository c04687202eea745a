/**
 * What one client may hold of a listener (issue #13, item 3). Forty connections sending a
 * body a byte at a time stayed open for minutes, and 300 of them from the guest side used
 * up the process's files so the main listener stopped answering. So: a request (headers
 * and body) must arrive whole within `requestTimeoutMs`, one address may hold only so many
 * connections, a listener only so many in all, and stopping closes every connection
 * (server-sent event streams included) at once.
 */
import type { Server } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyServerOptions } from 'fastify'
import type { Logger } from '../log.js'

export interface ConnectionLimits {
  /** Headers and body must have arrived this long after the request began. */
  requestTimeoutMs: number
  maxConnectionsPerAddress: number
  maxConnections: number
}

/** Fastify options for a listener with these limits. */
export function serverOptions(limits: ConnectionLimits): Pick<
  FastifyServerOptions,
  'requestTimeout' | 'forceCloseConnections'
> & {
  http: { headersTimeout: number; connectionsCheckingInterval: number }
} {
  return {
    requestTimeout: limits.requestTimeoutMs,
    // Node checks the two timeouts on an interval (30 s by default): every second keeps them near their word.
    http: { headersTimeout: Math.min(limits.requestTimeoutMs, 10_000), connectionsCheckingInterval: 1_000 },
    // Stop closes open streams too (the till's and kiosk's SSE), so a stop never waits for a screen.
    forceCloseConnections: true,
  }
}

/** Refuses (destroys) a connection over the per-address or total cap; logs the first refusal per address a minute. */
export function capConnections(server: Server, limits: ConnectionLimits, log: Logger): void {
  server.maxConnections = limits.maxConnections
  const open = new Map<string, number>()
  const warned = new Map<string, number>()
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? ''
    const count = (open.get(address) ?? 0) + 1
    if (count > limits.maxConnectionsPerAddress) {
      socket.destroy()
      const now = Date.now()
      if ((warned.get(address) ?? 0) < now - 60_000) {
        warned.set(address, now)
        if (warned.size > 1000) warned.delete(warned.keys().next().value!)
        log.warn({ address, limit: limits.maxConnectionsPerAddress }, 'connection refused: this address holds too many')
      }
      return
    }
    open.set(address, count)
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1
      if (left > 0) open.set(address, left)
      else open.delete(address)
    })
  })
}
