/** Sales and payment-code charges reported by the POS (/api/pos/sales, /api/pos/payments/charge). */
import { Nullable, StringEnum } from './schema-types.js'
import { Type, type Static } from '@sinclair/typebox'
import fp from 'fastify-plugin'
import { ErrorBody } from './error-schema.js'
import { posAuthenticator } from './pos-auth.js'

const Key = Type.String({
  minLength: 8,
  maxLength: 64,
  pattern: '^[A-Za-z0-9_.:-]+$',
  description: 'Unique per sale or charge; a retry with the same key gets the first answer',
})
const Amount = Type.Integer({ minimum: 1, maximum: 100_000_000, description: 'Minor units (fen, cents)' })
const Currency = Type.String({ pattern: '^[A-Z]{3}$' })
const Method = StringEnum(['cash', 'card', 'alipay', 'wechat', 'unionpay', 'voucher', 'member_card', 'other'])
const SaleBody = Type.Object(
  {
    idempotencyKey: Key,
    amount: Amount,
    currency: Currency,
    payments: Type.Array(Type.Object({ method: Method, amount: Amount }, { additionalProperties: false }), {
      minItems: 1,
      maxItems: 20,
    }),
    member: Type.Optional(Type.String({ pattern: '^[0-9a-f]{20}$' })),
    redemptions: Type.Optional(
      Type.Array(Type.String({ minLength: 26, maxLength: 26 }), {
        maxItems: 50,
        description: 'Voucher redemptions applied to this sale',
      }),
    ),
    reference: Type.Optional(Type.String({ maxLength: 64, description: "The POS's own receipt number" })),
  },
  { additionalProperties: false },
)
const SaleReply = Type.Object({
  saleId: Type.String(),
  seq: Type.Integer(),
  time: Type.Integer(),
  repeated: Type.Boolean(),
})
const ChargeBody = Type.Object(
  {
    idempotencyKey: Key,
    authCode: Type.String({
      pattern: '^\\d{16,24}$',
      description: "The payment code scanned from the customer's wallet app",
    }),
    amount: Amount,
    currency: Currency,
  },
  { additionalProperties: false },
)
const ChargeReply = Type.Object({
  status: StringEnum(['paid', 'declined', 'reversed', 'pending'], {
    description:
      'paid / declined as the provider said; reversed: not confirmed in time and cancelled — nothing charged; pending (202): not decided yet, ask again with the same key',
  }),
  phase: Type.Optional(
    StringEnum(['confirming', 'reversing'], {
      description:
        'pending only: the customer is confirming on the phone (or the answer is awaited), or it is being cancelled',
    }),
  ),
  provider: Type.String(),
  amount: Type.Integer(),
  currency: Type.String(),
  maskedCode: Type.String(),
  transactionId: Nullable(Type.String()),
  detail: Type.String(),
  seq: Type.Integer(),
})
const RefundBody = Type.Object(
  {
    idempotencyKey: Key,
    chargeKey: Type.String({
      minLength: 8,
      maxLength: 64,
      pattern: '^[A-Za-z0-9_.:-]+$',
      description: 'The idempotency key the charge was made under (by this POS)',
    }),
    amount: Amount,
  },
  { additionalProperties: false },
)
const RefundReply = Type.Object({
  status: StringEnum(['refunded', 'refused', 'pending'], {
    description:
      'refunded / refused as the provider said; pending (202): not answered yet, ask again with the same key',
  }),
  amount: Type.Integer(),
  refundId: Nullable(Type.String()),
  detail: Type.String(),
  seq: Type.Integer(),
})
const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody, 503: ErrorBody }

export const salesRoutes = fp(
  async (app) => {
    const authenticate = posAuthenticator(app)
    const security = [{ posToken: [] }]

    app.post<{ Body: Static<typeof SaleBody> }>(
      '/api/pos/sales',
      {
        onRequest: authenticate,
        schema: {
          tags: ['pos'],
          summary: 'Report a sale and its payments (durable; idempotent)',
          security,
          body: SaleBody,
          response: { 200: SaleReply, 201: SaleReply, ...errors },
        },
      },
      async (req, reply) => {
        const b = req.body
        const r = await app.services.pos.recordSale(req.posName!, {
          ...b,
          member: b.member ?? null,
          redemptions: b.redemptions ?? [],
          reference: b.reference ?? null,
        })
        return reply.code(r.repeated ? 200 : 201).send(r)
      },
    )

    app.post<{ Body: Static<typeof ChargeBody> }>(
      '/api/pos/payments/charge',
      {
        onRequest: authenticate,
        schema: {
          tags: ['pos'],
          summary:
            'Charge a wallet payment code now — refused at once (503) when the provider is unreachable; 202 while it is not decided (ask again with the same key)',
          security,
          body: ChargeBody,
          response: { 200: ChargeReply, 202: ChargeReply, ...errors },
        },
      },
      async (req, reply) => {
        const r = await app.services.pos.charge(req.posName!, req.body)
        return reply.code(r.status === 'pending' ? 202 : 200).send(r)
      },
    )

    app.post<{ Body: Static<typeof RefundBody> }>(
      '/api/pos/payments/refund',
      {
        onRequest: authenticate,
        schema: {
          tags: ['pos'],
          summary:
            'Give part or all of a paid payment-code charge back (never more than was paid); 202 while the provider has not answered',
          security,
          body: RefundBody,
          response: { 200: RefundReply, 202: RefundReply, ...errors },
        },
      },
      async (req, reply) => {
        const r = await app.services.pos.refund(req.posName!, req.body)
        return reply.code(r.status === 'pending' ? 202 : 200).send(r)
      },
    )
  },
  { name: 'sales-routes', dependencies: ['tillside-services'] },
)
