/**
 * Giving a wallet payment back at the cashier screen (/api/till/payments/*): the paid
 * payment-code charges the POS made, found by amount or the tail of the provider's
 * transaction number, and a refund of part or all of one with a manager's PIN — the same
 * refund protocol as the POS API's (payments/refund-protocol.ts), so an unanswered refund
 * is asked again until the provider decides, and never more than was paid is given back.
 */
import { Type, type Static } from '@sinclair/typebox'
import fp from 'fastify-plugin'
import type { PaidChargeLine } from '../store/read/payment-reads.js'
import { ErrorBody } from './error-schema.js'
import { IdempotencyKey, Pin } from './card-schemas.js'
import { managerApproval } from './card-routes.js'
import { Nullable, StringEnum } from './schema-types.js'
import { tillSession } from './till-session.js'

const DAY_MS = 86_400_000
/** Without a search the screen lists the last week; a search reaches back as far as the providers refund (Alipay: 3 months). */
const RECENT_DAYS = 7
const FIND_DAYS = 92
const LIMIT = 40

const FindQuery = Type.Object(
  {
    find: Type.Optional(
      Type.String({
        pattern: '^(\\d{1,9}(\\.\\d{1,2})?|\\d{4,32})$',
        description: 'An amount (12 or 12.50) or the last digits (4+) of the provider’s transaction number',
      }),
    ),
  },
  { additionalProperties: false },
)
const ChargeLine = Type.Object({
  reference: Type.String({ description: 'Our reference for the charge: what a refund names' }),
  pos: Nullable(Type.String({ description: 'The POS that charged it' })),
  wallet: StringEnum(['alipay', 'wechat', 'unionpay']),
  maskedCode: Type.String(),
  amount: Type.Integer(),
  currency: Type.String(),
  transactionId: Nullable(Type.String()),
  time: Type.Integer(),
  refunded: Type.Integer({ description: 'Given back, as the provider said' }),
  refunding: Type.Integer({ description: 'Being given back: the provider has not answered yet' }),
  left: Type.Integer({ description: 'What can still be given back' }),
})
const RefundBody = Type.Object(
  {
    idempotencyKey: IdempotencyKey,
    charge: Type.String({ minLength: 1, maxLength: 200, description: 'A charge’s `reference` from the list' }),
    amount: Type.Integer({ minimum: 1, maximum: 100_000_000 }),
    managerPin: Pin,
  },
  { additionalProperties: false },
)
const RefundReply = Type.Object({
  status: StringEnum(['refunded', 'refused', 'pending'], {
    description: 'pending (202): the provider has not answered; it is asked again until it does (the list shows it)',
  }),
  amount: Type.Integer(),
  refundId: Nullable(Type.String()),
  detail: Type.String(),
  seq: Type.Integer(),
})
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 429: ErrorBody }

export const tillPaymentRoutes = fp(
  async (app) => {
    const { cashiers, pos } = app.services

    app.get<{ Querystring: Static<typeof FindQuery> }>(
      '/api/till/payments',
      {
        schema: {
          tags: ['till'],
          summary: 'Paid wallet charges of the POS, newest first (the last week, or a search over three months)',
          querystring: FindQuery,
          response: { 200: Type.Array(ChargeLine), ...errors },
        },
      },
      async (req) => {
        tillSession(cashiers, req)
        const find = req.query.find
        const now = Date.now()
        const lines = pos.paidCharges({
          since: now - (find ? FIND_DAYS : RECENT_DAYS) * DAY_MS,
          limit: LIMIT,
          ...(find ? findBy(find) : {}),
        })
        return lines.map(lineView)
      },
    )

    app.post<{ Body: Static<typeof RefundBody> }>(
      '/api/till/payments/refund',
      {
        schema: {
          tags: ['till'],
          summary:
            'Give part or all of a paid wallet charge back (a manager’s PIN); 202 while the provider has not answered',
          body: RefundBody,
          response: { 200: RefundReply, 202: RefundReply, ...errors },
        },
      },
      async (req, reply) => {
        const s = tillSession(cashiers, req)
        const approver = await managerApproval(app, req.body.managerPin, req.ip)
        const r = await pos.refundCharge(req.body.charge, {
          reference: `till:refund:${req.body.idempotencyKey}`,
          idempotencyKey: req.body.idempotencyKey,
          amount: req.body.amount,
          device: s.deviceId ?? `till:${s.cashierId}`,
          charge: 'with that reference',
          cashier: s.cashierId,
          approvedBy: approver,
        })
        return reply.code(r.status === 'pending' ? 202 : 200).send(r)
      },
    )
  },
  { name: 'till-payment-routes', dependencies: ['tillside-services'] },
)

/** "12" may be ¥12 or a transaction number ending 12…: all digits match either; a decimal is an amount. */
function findBy(find: string): { amount?: number; transactionTail?: string } {
  const [whole, fraction = ''] = find.split('.')
  const amount = Number(whole) * 100 + Number(fraction.padEnd(2, '0'))
  const byAmount = whole!.length <= 9 ? { amount } : {}
  return find.includes('.') || find.length < 4 ? byAmount : { ...byAmount, transactionTail: find }
}

function lineView(l: PaidChargeLine) {
  return {
    reference: l.reference,
    pos: l.device?.startsWith('pos:') ? l.device.slice(4) : null,
    wallet: l.wallet as 'alipay' | 'wechat' | 'unionpay',
    maskedCode: l.maskedCode,
    amount: l.amount,
    currency: l.currency,
    transactionId: l.transactionId,
    time: l.time,
    refunded: l.refunded,
    refunding: l.refunding,
    left: l.amount - l.refunded - l.refunding,
  }
}
