/** Serves a fixed set of page assets from a package folder (read once, kept in memory). */
import { readFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import type { FastifyInstance } from 'fastify'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
}

/** Pages allow scripts and styles from the gateway only, and no framing (kiosk/till screens are never embedded). */
export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"

export function serveFiles(app: FastifyInstance, dir: string, routes: Record<string, string>): void {
  for (const [url, file] of Object.entries(routes)) {
    const body = readFileSync(join(dir, file))
    const type = TYPES[extname(file)] ?? 'application/octet-stream'
    app.get(url, { schema: { hide: true } }, (_req, reply) =>
      reply
        .header('content-type', type)
        .header('content-security-policy', PAGE_CSP)
        .header('cache-control', 'no-cache')
        .send(body),
    )
  }
}
