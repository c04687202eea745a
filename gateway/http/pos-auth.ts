/** Bearer-token auth for /api/pos/*: the token's hash must be in `till.posTokens`; its name is kept on the request. */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { matchToken } from '../auth/secrets.js'

declare module 'fastify' {
  interface FastifyRequest {
    posName?: string
  }
}

export function posAuthenticator(app: FastifyInstance): (req: FastifyRequest) => Promise<void> {
  const hashes = app.services.config.till.posTokens.map((t) => t.tokenHash)
  const names = app.services.config.till.posTokens.map((t) => t.name)
  return async (req) => {
    const header = req.headers.authorization ?? ''
    const token = header.startsWith('Bearer ') ? header.slice(7) : ''
    const i = token ? matchToken(token, hashes) : -1
    if (i < 0)
      throw Object.assign(new Error('a valid POS token is required (Authorization: Bearer …)'), {
        statusCode: 401,
        code: 'unauthorized',
      })
    req.posName = names[i]
  }
}
