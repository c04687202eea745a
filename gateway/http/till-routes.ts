/**
 * The cashier screen: /till (page), PIN login, a live Server-Sent Events stream of till
 * results, and void. SSE rather than WebSocket: one direction is all the screen needs,
 * it reconnects by itself, and it passes any proxy.
 */
import { openEventStream } from './event-stream.js'
import { Nullable } from './schema-types.js'
import { join } from 'node:path'
import { Type, type Static } from '@sinclair/typebox'
import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import type { CashierSession } from '../till/cashier-sessions.js'
import { packageRoot } from '../version.js'
import { ErrorBody } from './error-schema.js'
import { readCookie } from './cookies.js'
import { TILL_COOKIE, tillSession } from './till-session.js'
import { serveFiles } from './static-files.js'
import { TillResultSchema, VoidOutcomeSchema } from './voucher-schemas.js'

const COOKIE = TILL_COOKIE
const Pin = Type.String({ pattern: '^\\d{4,8}$' })
const LoginBody = Type.Object(
  { pin: Pin, device: Type.Optional(Type.String({ minLength: 1, maxLength: 48 })) },
  { additionalProperties: false },
)
const VoidBody = Type.Object(
  {
    redemptionId: Type.String({ minLength: 26, maxLength: 26 }),
    pin: Pin,
    reason: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
)
const SessionReply = Type.Object({
  cashier: Type.String(),
  name: Type.String(),
  device: Nullable(Type.String()),
  expiresAt: Type.Integer(),
})
const HEARTBEAT_MS = 15_000

export const tillRoutes = fp(
  async (app) => {
    const { cashiers, config } = app.services
    const defaultDevice = config.devices.find((d) => d.role === 'till')?.id ?? null
    const session = (req: FastifyRequest): CashierSession => tillSession(cashiers, req)
    const sessionReply = (s: CashierSession) => ({
      cashier: s.cashierId,
      name: s.name,
      device: s.deviceId,
      expiresAt: s.expiresAt,
    })

    serveFiles(app, join(packageRoot(), 'gateway/http/pages/till'), {
      '/till': 'index.html',
      '/till/app.js': 'app.js',
      '/till/app.css': 'app.css',
      '/till/card.js': 'card.js',
      '/till/payments.js': 'payments.js',
    })

    app.post<{ Body: Static<typeof LoginBody> }>(
      '/api/till/login',
      {
        schema: {
          tags: ['till'],
          summary: 'Cashier login by PIN (sets a session cookie)',
          body: LoginBody,
          response: { 200: SessionReply, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 429: ErrorBody },
        },
      },
      async (req, reply) => {
        const device = req.body.device ?? defaultDevice
        if (device !== null && !config.devices.some((d) => d.id === device && d.role === 'till')) {
          return reply.code(404).send({ error: 'unknown_device', message: `${device} is not a till scanner` })
        }
        const s = await cashiers.login(req.body.pin, req.ip, device)
        const maxAge = Math.floor((s.expiresAt - Date.now()) / 1000)
        reply.header('set-cookie', `${COOKIE}=${s.token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}`)
        return sessionReply(s)
      },
    )

    app.get(
      '/api/till/session',
      { schema: { tags: ['till'], response: { 200: SessionReply, 401: ErrorBody } } },
      async (req) => sessionReply(session(req)),
    )

    app.post('/api/till/logout', { schema: { tags: ['till'], response: { 204: Type.Null() } } }, async (req, reply) => {
      const token = readCookie(req.headers.cookie, COOKIE)
      if (token) cashiers.logout(token)
      return reply.code(204).header('set-cookie', `${COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`).send()
    })

    app.get(
      '/api/till/results',
      {
        schema: {
          tags: ['till'],
          summary: 'The last 20 till results, newest first',
          response: { 200: Type.Array(TillResultSchema), 401: ErrorBody },
        },
      },
      async (req) => {
        session(req)
        return app.services.till.history()
      },
    )

    app.get(
      '/api/till/events',
      {
        schema: {
          tags: ['till'],
          summary: 'Server-Sent Events: `history` once, then `result` per outcome',
          response: { 401: ErrorBody },
        },
      },
      (req, reply) => {
        session(req)
        const res = openEventStream(reply)
        res.write(`retry: 2000\nevent: history\ndata: ${JSON.stringify(app.services.till.history())}\n\n`)
        const unsubscribe = app.services.till.subscribe((r) =>
          res.write(`event: result\ndata: ${JSON.stringify(r)}\n\n`),
        )
        // A named event, not an SSE comment: the page sees it and knows its screen is live.
        const heartbeat = setInterval(() => res.write(`event: ping\ndata: ${Date.now()}\n\n`), HEARTBEAT_MS)
        res.on('close', () => {
          unsubscribe()
          clearInterval(heartbeat)
        })
      },
    )

    app.post<{ Body: Static<typeof VoidBody> }>(
      '/api/till/void',
      {
        schema: {
          tags: ['till'],
          summary: "Void a redemption (the logged-in cashier's PIN again)",
          body: VoidBody,
          response: { 200: VoidOutcomeSchema, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 429: ErrorBody },
        },
      },
      async (req) => {
        const s = session(req)
        return app.services.till.void({
          redemptionId: req.body.redemptionId,
          cashier: s.cashierId,
          pin: req.body.pin,
          source: req.ip,
          reason: req.body.reason ?? null,
          device: s.deviceId,
        })
      },
    )
  },
  { name: 'till-routes', dependencies: ['tillside-services'] },
)
