/**
 * The POS API (/api/pos/*): the till's POS software validates, redeems and voids
 * vouchers and issues them at the counter. Bearer-token auth against the hashes in
 * `till.posTokens`; the token's name is recorded with every action.
 */
import { Type, type Static } from '@sinclair/typebox'
import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import { posAuthenticator } from './pos-auth.js'
import { voucherSummary } from '../vouchers/voucher-service.js'
import { ErrorBody } from './error-schema.js'
import { RedeemOutcomeSchema, VoidOutcomeSchema, VoucherSummarySchema, Reason } from './voucher-schemas.js'

const Code = Type.String({ minLength: 1, maxLength: 512, description: 'The scanned text' })
const CashierId = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,31}$' })
const ValidateBody = Type.Object({ code: Code }, { additionalProperties: false })
const RedeemBody = Type.Object(
  {
    code: Code,
    cashier: Type.Optional(CashierId),
    saleRef: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
)
const VoidBody = Type.Object(
  {
    redemptionId: Type.String({ minLength: 26, maxLength: 26 }),
    cashier: CashierId,
    pin: Type.String({ pattern: '^\\d{4,8}$' }),
    reason: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
)
const IssueBody = Type.Object(
  {
    campaign: Type.Integer({ minimum: 1, maximum: 65535 }),
    member: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
)
const ValidateReply = Type.Object({
  ok: Type.Boolean(),
  reason: Type.Optional(Reason),
  detail: Type.Optional(Type.String()),
  voucher: Type.Optional(VoucherSummarySchema),
  usesLeft: Type.Optional(Type.Integer()),
  expiresAt: Type.Optional(Type.Integer()),
})
const IssueReply = Type.Object({
  code: Type.String(),
  key: Type.String(),
  expiresAt: Type.Integer(),
  seq: Type.Integer(),
})
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 409: ErrorBody, 429: ErrorBody, 503: ErrorBody }

export const posRoutes = fp(
  async (app) => {
    const authenticate = posAuthenticator(app)
    const security = [{ posToken: [] }]
    const device = (req: FastifyRequest) => `pos:${req.posName}`

    app.post<{ Body: Static<typeof ValidateBody> }>(
      '/api/pos/vouchers/validate',
      {
        onRequest: authenticate,
        schema: {
          tags: ['pos'],
          summary: 'Check a voucher without redeeming it',
          security,
          body: ValidateBody,
          response: { 200: ValidateReply, ...errors },
        },
      },
      async (req) => {
        const v = app.services.vouchers.validate(req.body.code)
        if (!v.ok) return { ok: false, reason: v.reason, detail: v.detail, voucher: v.voucher }
        return { ok: true, voucher: voucherSummary(v.voucher), usesLeft: v.usesLeft, expiresAt: v.voucher.expiresAt }
      },
    )

    app.post<{ Body: Static<typeof RedeemBody> }>(
      '/api/pos/vouchers/redeem',
      {
        onRequest: authenticate,
        schema: {
          tags: ['pos'],
          summary: 'Redeem a voucher (exactly once per allowed use)',
          security,
          body: RedeemBody,
          response: { 200: RedeemOutcomeSchema, ...errors },
        },
      },
      async (req) => {
        const source = { pos: req.posName, saleRef: req.body.saleRef ?? null }
        return app.services.vouchers.redeem(req.body.code, {
          device: device(req),
          cashier: req.body.cashier ?? null,
          source,
        })
      },
    )

    app.post<{ Body: Static<typeof VoidBody> }>(
      '/api/pos/vouchers/void',
      {
        onRequest: authenticate,
        schema: {
          tags: ['pos'],
          summary: 'Void a redemption within the void window (cashier PIN)',
          security,
          body: VoidBody,
          response: { 200: VoidOutcomeSchema, ...errors },
        },
      },
      async (req) =>
        app.services.till.void({
          redemptionId: req.body.redemptionId,
          cashier: req.body.cashier,
          pin: req.body.pin,
          source: req.ip,
          reason: req.body.reason ?? null,
          device: device(req),
        }),
    )

    app.post<{ Body: Static<typeof IssueBody> }>(
      '/api/pos/vouchers/issue',
      {
        onRequest: authenticate,
        schema: {
          tags: ['pos'],
          summary: 'Issue a voucher at the counter',
          security,
          body: IssueBody,
          response: { 201: IssueReply, 404: ErrorBody, ...errors },
        },
      },
      async (req, reply) => {
        const v = await app.services.vouchers.issue({
          campaignId: req.body.campaign,
          memberId: req.body.member ?? null,
          channel: 'pos',
          device: device(req),
        })
        return reply.code(201).send({ code: v.code, key: v.key, expiresAt: v.expiresAt, seq: v.seq })
      },
    )
  },
  { name: 'pos-routes', dependencies: ['tillside-services'] },
)
