/**
 * A kiosk proves it is one (issue #13): anyone on the store LAN could otherwise enrol
 * made-up phone numbers and play the prize stock away. Each kiosk holds a token from
 * `kiosk.credentials`, sent as the `X-Kiosk-Token` header (scripts, the bench) or an
 * HttpOnly cookie: the Electron shell sets the cookie from its token file before it loads
 * the page, and a plain browser is paired once by typing the token on the page. The page's
 * script never sees the token.
 */
import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AttemptGuard, LockedOutError } from '../auth/attempt-guard.js'
import { matchToken } from '../auth/secrets.js'
import { ErrorBody } from './error-schema.js'
import { readCookie } from './cookies.js'

const KIOSK_COOKIE = 'tillside_kiosk'
const KIOSK_HEADER = 'x-kiosk-token'
/** Ten years: a kiosk stays paired until its token is taken out of the config. */
const COOKIE_MAX_AGE = 10 * 365 * 24 * 3600
/** Tokens are long and random; the limit keeps a guesser from trying at network speed. */
const PAIR_LIMITS = { maxFailures: 10, lockoutMs: 15 * 60_000 }

export interface KioskIdentity {
  name: string
  /** The kiosk's scanner, when its credential names one. */
  device: string | null
}

declare module 'fastify' {
  interface FastifyRequest {
    kioskIdentity?: KioskIdentity
  }
}

const PairBody = Type.Object(
  { token: Type.String({ pattern: '^[A-Za-z0-9._~-]{16,200}$' }) },
  { additionalProperties: false },
)
const Paired = Type.Object({ kiosk: Type.String() })

/** Registers pair/unpair and returns the onRequest hook for every kiosk route. */
export function kioskAuth(app: FastifyInstance): (req: FastifyRequest) => Promise<void> {
  const credentials = app.services.config.kiosk.credentials
  const hashes = credentials.map((c) => c.tokenHash)
  const identify = (token: string): KioskIdentity | null => {
    const i = token ? matchToken(token, hashes) : -1
    return i < 0 ? null : { name: credentials[i]!.name, device: credentials[i]!.device ?? null }
  }
  const guard = new AttemptGuard()

  app.post<{ Body: Static<typeof PairBody> }>(
    '/api/kiosk/pair',
    {
      schema: {
        tags: ['kiosk'],
        summary: 'Pair this browser as a kiosk (sets an HttpOnly cookie)',
        body: PairBody,
        response: { 200: Paired, 400: ErrorBody, 403: ErrorBody, 429: ErrorBody },
      },
    },
    async (req, reply: FastifyReply) => {
      let attempt
      try {
        attempt = guard.begin([{ key: req.ip, limits: PAIR_LIMITS }])
      } catch (err) {
        if (!(err instanceof LockedOutError)) throw err
        return reply
          .code(429)
          .header('retry-after', String(err.retryAfterSeconds))
          .send({ error: 'locked_out', message: 'too many wrong kiosk tokens; wait before trying again' })
      }
      const kiosk = identify(req.body.token)
      if (!kiosk) {
        if (attempt.failed().length > 0)
          req.log.warn({ source: req.ip }, 'kiosk pairing locked after repeated wrong tokens')
        return reply.code(403).send({ error: 'wrong_kiosk_token', message: 'that is not a kiosk token of this store' })
      }
      attempt.succeeded()
      req.log.info({ kiosk: kiosk.name, source: req.ip }, 'browser paired as a kiosk')
      reply.header(
        'set-cookie',
        `${KIOSK_COOKIE}=${req.body.token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${COOKIE_MAX_AGE}`,
      )
      return { kiosk: kiosk.name }
    },
  )

  app.post(
    '/api/kiosk/unpair',
    { schema: { tags: ['kiosk'], summary: 'Forget the kiosk cookie in this browser', response: { 204: Type.Null() } } },
    async (_req, reply) =>
      reply.code(204).header('set-cookie', `${KIOSK_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`).send(),
  )

  return async (req) => {
    const header = req.headers[KIOSK_HEADER]
    const kiosk = identify(
      (typeof header === 'string' ? header : undefined) ?? readCookie(req.headers.cookie, KIOSK_COOKIE) ?? '',
    )
    if (!kiosk)
      throw Object.assign(new Error('this screen is not a kiosk of this store: pair it with its kiosk token'), {
        statusCode: 401,
        code: 'kiosk_unpaired',
      })
    req.kioskIdentity = kiosk
  }
}
