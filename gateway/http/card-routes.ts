/**
 * The stored-value card through the POS API (/api/pos/cards/*), every movement under an
 * idempotency key (201 when it moved money, 200 for a retry that moved nothing). Paying
 * from the card needs the member's live QR (the member is at the till); a top-up may name
 * the member by id. Refusals answer 4xx with the reason (error-status.ts).
 */
import { Type, type Static } from '@sinclair/typebox'
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { CardActor, Moved } from '../cards/card-service.js'
import { chainView } from '../cards/chain-pay.js'
import { CardError } from '../cards/card-errors.js'
import { LoginError } from '../till/cashier-sessions.js'
import { ErrorBody } from './error-schema.js'
import { posAuthenticator } from './pos-auth.js'
import {
  CardAmount,
  CardReply,
  EntryId,
  IdempotencyKey,
  MemberId,
  MovedReply,
  Pin,
  TopUpPaymentSchema,
  CARD_ERRORS,
} from './card-schemas.js'

const MemberCode = Type.String({ minLength: 4, maxLength: 200, description: 'The live member QR (TM1:…) as scanned' })
const TopUpBody = Type.Object(
  {
    idempotencyKey: IdempotencyKey,
    memberId: Type.Optional(MemberId),
    memberCode: Type.Optional(MemberCode),
    amount: CardAmount,
    payment: TopUpPaymentSchema,
    idChecked: Type.Optional(Type.Boolean({ description: "The cashier checked the member's ID (real-name)" })),
  },
  { additionalProperties: false, description: 'memberId or memberCode: one of them' },
)
const DebitBody = Type.Object(
  {
    idempotencyKey: IdempotencyKey,
    memberCode: MemberCode,
    amount: CardAmount,
    reference: Type.Optional(Type.String({ maxLength: 64, description: "The POS's receipt number" })),
  },
  { additionalProperties: false },
)
const RefundBody = Type.Object(
  { idempotencyKey: IdempotencyKey, debitId: EntryId, amount: CardAmount },
  { additionalProperties: false },
)
const ReverseBody = Type.Object(
  { idempotencyKey: IdempotencyKey, topUpId: EntryId, managerPin: Pin },
  { additionalProperties: false },
)
const PayOutBody = Type.Object(
  { idempotencyKey: IdempotencyKey, memberId: MemberId, managerPin: Pin },
  { additionalProperties: false },
)
const errors = CARD_ERRORS

export function movedReply(m: Moved, currency: string): Static<typeof MovedReply> {
  return {
    memberId: m.memberId,
    currency,
    entry: m.entry,
    balance: { ...m.balance, total: m.balance.principal + m.balance.bonus },
    repeated: m.repeated,
  }
}

/** 201 when the movement moved money, 200 for a retry answered from its first time. */
export function sendMoved(reply: FastifyReply, m: Moved, currency: string): FastifyReply {
  return reply.code(m.repeated ? 200 : 201).send(movedReply(m, currency))
}

/** The member a live QR names, or a refusal that says why it does not (expired screenshot, forged, unknown). */
export function memberFromCode(app: FastifyInstance, code: string): string {
  const who = app.services.members.identify(code)
  if (!who.ok) throw new CardError('member_not_present', `the member QR: ${who.detail}`)
  return who.memberId
}

/** A manager's PIN, checked with the same lockouts as any PIN; throws wrong_pin / locked_out. */
export async function managerApproval(app: FastifyInstance, pin: string, source: string): Promise<string> {
  const manager = await app.services.cashiers.approveAsManager(pin, source)
  if (!manager) throw new LoginError('wrong_pin', "not a manager's PIN")
  return manager.id
}

export const cardRoutes = fp(
  async (app) => {
    const authenticate = posAuthenticator(app)
    const { cards } = app.services
    const security = [{ posToken: [] }]
    const actor = (pos: string): CardActor => ({ key: `pos:${pos}`, cashier: null, device: `pos:${pos}` })
    const schema = (summary: string, body: object, response: object) => ({
      tags: ['cards'],
      summary,
      security,
      body,
      response: { ...errors, ...response },
    })

    app.get<{ Params: { memberId: string }; Querystring: { before?: number } }>(
      '/api/pos/cards/:memberId',
      {
        onRequest: authenticate,
        schema: {
          tags: ['cards'],
          summary: "A member's card: balance (principal and bonus) and the latest 50 movements",
          security,
          params: Type.Object({ memberId: MemberId }),
          querystring: Type.Object({
            before: Type.Optional(Type.Integer({ minimum: 1, description: 'Page back: movements before this seq' })),
          }),
          response: { 200: CardReply, 401: ErrorBody },
        },
      },
      async (req) => ({
        ...cards.summary(req.params.memberId),
        statement: cards.statement(req.params.memberId, 50, req.query.before),
      }),
    )

    app.post<{ Body: Static<typeof TopUpBody> }>(
      '/api/pos/cards/topup',
      {
        onRequest: authenticate,
        schema: schema('Top up a card (cash, or a payment code charged now)', TopUpBody, {
          200: MovedReply,
          201: MovedReply,
        }),
      },
      async (req, reply) => {
        const b = req.body
        if ((b.memberId === undefined) === (b.memberCode === undefined))
          return reply
            .code(400)
            .send({ error: 'invalid_request', message: 'body must have memberId or memberCode (one of them)' })
        const memberId = b.memberId ?? memberFromCode(app, b.memberCode!)
        const m = await cards.topUp(actor(req.posName!), { ...b, memberId })
        return sendMoved(reply, m, cards.currency)
      },
    )

    app.post<{ Body: Static<typeof DebitBody> }>(
      '/api/pos/cards/debit',
      {
        onRequest: authenticate,
        schema: schema('Pay from the card: the member shows the live member QR', DebitBody, {
          200: MovedReply,
          201: MovedReply,
        }),
      },
      async (req, reply) => {
        const who = app.services.members.identify(req.body.memberCode)
        // A member of the merchant's other stores: their home store decides, asked now.
        if (!who.ok && who.reason === 'unknown_member' && app.services.chainPay.available) {
          const p = await app.services.chainPay.debit(actor(req.posName!), req.body)
          return reply.code(p.repeated ? 200 : 201).send({ ...chainView(p), repeated: p.repeated })
        }
        const memberId = memberFromCode(app, req.body.memberCode)
        const m = await cards.debit(actor(req.posName!), { ...req.body, memberId })
        return sendMoved(reply, m, cards.currency)
      },
    )

    app.post<{ Body: Static<typeof RefundBody> }>(
      '/api/pos/cards/refund',
      {
        onRequest: authenticate,
        schema: schema('Put part or all of a card payment back on the card', RefundBody, {
          200: MovedReply,
          201: MovedReply,
        }),
      },
      async (req, reply) => {
        const m = await cards.refund(actor(req.posName!), req.body)
        return sendMoved(reply, m, cards.currency)
      },
    )

    app.post<{ Body: Static<typeof ReverseBody> }>(
      '/api/pos/cards/reverse',
      {
        onRequest: authenticate,
        schema: schema("Take a top-up back off the card (a manager's PIN, within the window)", ReverseBody, {
          200: MovedReply,
          201: MovedReply,
        }),
      },
      async (req, reply) => {
        const approver = await managerApproval(app, req.body.managerPin, req.ip)
        const m = await cards.reverse(actor(req.posName!), { ...req.body, approver })
        return sendMoved(reply, m, cards.currency)
      },
    )

    app.post<{ Body: Static<typeof PayOutBody> }>(
      '/api/pos/cards/payout',
      {
        onRequest: authenticate,
        schema: schema(
          "Close a card: hand back the principal in cash, the bonus forfeited (a manager's PIN)",
          PayOutBody,
          { 200: MovedReply, 201: MovedReply },
        ),
      },
      async (req, reply) => {
        const approver = await managerApproval(app, req.body.managerPin, req.ip)
        const m = await cards.payOut(actor(req.posName!), { ...req.body, approver })
        return sendMoved(reply, m, cards.currency)
      },
    )
  },
  { name: 'card-routes', dependencies: ['tillside-services'] },
)
