/**
 * The stored-value card at the cashier screen (/api/till/cards/*). The member must be at
 * the till: top-up and pay name a member scan this screen's scanner read in the last five
 * minutes; a wallet top-up names the payment-code scan. Refunds take the cashier's PIN
 * again (as a void does), reversals a manager's.
 */
import { Type, type Static } from '@sinclair/typebox'
import fp from 'fastify-plugin'
import type { CardActor } from '../cards/card-service.js'
import { CardError } from '../cards/card-errors.js'
import { LoginError, type CashierSession } from '../till/cashier-sessions.js'
import { MEMBER_PRESENT_MS } from '../till/till-service.js'
import { ErrorBody } from './error-schema.js'
import { CARD_ERRORS, CardAmount, CardReply, EntryId, IdempotencyKey, MovedReply, Pin } from './card-schemas.js'
import { managerApproval, sendMoved } from './card-routes.js'
import { tillSession } from './till-session.js'

const ScanId = Type.String({ minLength: 1, maxLength: 40, description: 'A till result id (from /api/till/events)' })
const TopUpBody = Type.Object(
  {
    idempotencyKey: IdempotencyKey,
    memberScan: ScanId,
    amount: CardAmount,
    payment: Type.Union([
      Type.Object({ method: Type.Literal('cash') }, { additionalProperties: false }),
      Type.Object({ method: Type.Literal('wallet'), walletScan: ScanId }, { additionalProperties: false }),
    ]),
    idChecked: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)
const ArmBody = Type.Object({ idempotencyKey: IdempotencyKey, amount: CardAmount }, { additionalProperties: false })
const DebitBody = Type.Object(
  { idempotencyKey: IdempotencyKey, memberScan: ScanId, amount: CardAmount },
  { additionalProperties: false },
)
const RefundBody = Type.Object(
  { idempotencyKey: IdempotencyKey, debitId: EntryId, amount: CardAmount, pin: Pin },
  { additionalProperties: false },
)
const ReverseBody = Type.Object(
  { idempotencyKey: IdempotencyKey, topUpId: EntryId, managerPin: Pin },
  { additionalProperties: false },
)
const PayOutBody = Type.Object(
  { idempotencyKey: IdempotencyKey, memberScan: ScanId, managerPin: Pin },
  { additionalProperties: false },
)
const TillCardReply = Type.Composite([
  CardReply,
  Type.Object({
    bonuses: Type.Array(Type.Object({ from: Type.Integer(), bonus: Type.Integer() })),
    reversalWindowMinutes: Type.Integer(),
    presentUntil: Type.Integer({ description: 'Until when this member scan lets the screen move money (ms)' }),
  }),
])
const errors = CARD_ERRORS

export const tillCardRoutes = fp(
  async (app) => {
    const { cards, cashiers, till, config, armedDebits } = app.services
    const actor = (s: CashierSession): CardActor => ({
      key: `till:${s.cashierId}`,
      cashier: s.cashierId,
      device: s.deviceId,
    })
    const memberAt = (s: CashierSession, scan: string): string => {
      const member = s.deviceId ? till.memberScanned(scan, s.deviceId) : null
      if (!member)
        throw new CardError(
          'member_not_present',
          "scan the member's QR code at this till first (it counts for 5 minutes)",
        )
      return member
    }
    const route = (summary: string, body: object) => ({
      schema: { tags: ['till'], summary, body, response: { 200: MovedReply, 201: MovedReply, ...errors } },
    })

    app.get<{ Params: { scan: string } }>(
      '/api/till/cards/:scan',
      {
        schema: {
          tags: ['till'],
          summary: 'The card of the member a recent scan identified: balance, the latest movements, the bonus tiers',
          params: Type.Object({ scan: ScanId }),
          response: { 200: TillCardReply, 401: ErrorBody, 422: ErrorBody },
        },
      },
      async (req) => {
        const s = tillSession(cashiers, req)
        const member = memberAt(s, req.params.scan)
        const scannedAt = till.history().find((r) => r.id === req.params.scan)!.time
        return {
          ...cards.summary(member),
          statement: cards.statement(member, 10),
          bonuses: config.cards.bonuses,
          reversalWindowMinutes: config.cards.reversalWindowMinutes,
          presentUntil: scannedAt + MEMBER_PRESENT_MS,
        }
      },
    )

    app.post<{ Body: Static<typeof ArmBody> }>(
      '/api/till/cards/arm',
      {
        schema: {
          tags: ['till'],
          summary:
            "Pay from the card, amount first: the next member QR this till's scanner reads pays it (for a minute)",
          body: ArmBody,
          response: { 200: Type.Object({ until: Type.Integer() }), ...errors },
        },
      },
      async (req) => {
        const s = tillSession(cashiers, req)
        if (!s.deviceId) throw new CardError('member_not_present', 'this screen follows no till scanner')
        cards.requireEnabled()
        return armedDebits.arm(s.deviceId, { ...req.body, actor: actor(s) })
      },
    )

    app.post(
      '/api/till/cards/disarm',
      {
        schema: {
          tags: ['till'],
          summary: 'Forget the amount typed for a card payment',
          response: { 204: Type.Null(), 401: ErrorBody },
        },
      },
      async (req, reply) => {
        const s = tillSession(cashiers, req)
        if (s.deviceId) armedDebits.disarm(s.deviceId)
        return reply.code(204).send()
      },
    )

    app.post<{ Body: Static<typeof TopUpBody> }>(
      '/api/till/cards/topup',
      route('Top up the card of the member just scanned (cash, or the payment code just scanned)', TopUpBody),
      async (req, reply) => {
        const s = tillSession(cashiers, req)
        const b = req.body
        const memberId = memberAt(s, b.memberScan)
        let payment: { method: 'cash' } | { method: 'code'; authCode: string } = { method: 'cash' }
        if (b.payment.method === 'wallet') {
          const code = s.deviceId ? till.walletCodeScanned(b.payment.walletScan, s.deviceId) : null
          if (!code)
            throw new CardError(
              'member_not_present',
              "scan the customer's payment code again (codes last about a minute)",
            )
          payment = { method: 'code', authCode: code }
        }
        const m = await cards.topUp(actor(s), { ...b, memberId, payment })
        return sendMoved(reply, m, cards.currency)
      },
    )

    app.post<{ Body: Static<typeof DebitBody> }>(
      '/api/till/cards/debit',
      route('Pay from the card of the member just scanned', DebitBody),
      async (req, reply) => {
        const s = tillSession(cashiers, req)
        const m = await cards.debit(actor(s), { ...req.body, memberId: memberAt(s, req.body.memberScan) })
        return sendMoved(reply, m, cards.currency)
      },
    )

    app.post<{ Body: Static<typeof RefundBody> }>(
      '/api/till/cards/refund',
      route('Put a card payment back on the card (the cashier’s PIN again)', RefundBody),
      async (req, reply) => {
        const s = tillSession(cashiers, req)
        if (!(await cashiers.confirm(s.cashierId, req.body.pin, req.ip)))
          throw new LoginError('wrong_pin', 'wrong cashier or PIN')
        const m = await cards.refund(actor(s), req.body)
        return sendMoved(reply, m, cards.currency)
      },
    )

    app.post<{ Body: Static<typeof ReverseBody> }>(
      '/api/till/cards/reverse',
      route('Take a top-up back off the card (a manager’s PIN)', ReverseBody),
      async (req, reply) => {
        const s = tillSession(cashiers, req)
        const approver = await managerApproval(app, req.body.managerPin, req.ip)
        const m = await cards.reverse(actor(s), { ...req.body, approver })
        return sendMoved(reply, m, cards.currency)
      },
    )

    app.post<{ Body: Static<typeof PayOutBody> }>(
      '/api/till/cards/payout',
      route('Close the card of the member just scanned and hand back the principal (a manager’s PIN)', PayOutBody),
      async (req, reply) => {
        const s = tillSession(cashiers, req)
        const memberId = memberAt(s, req.body.memberScan)
        const approver = await managerApproval(app, req.body.managerPin, req.ip)
        const m = await cards.payOut(actor(s), { idempotencyKey: req.body.idempotencyKey, memberId, approver })
        return sendMoved(reply, m, cards.currency)
      },
    )
  },
  { name: 'till-card-routes', dependencies: ['tillside-services'] },
)
