/** Request and reply shapes for the stored-value card, shared by the POS API and the cashier screen. */
import { Type } from '@sinclair/typebox'
import { Nullable, StringEnum } from './schema-types.js'
import { ErrorBody } from './error-schema.js'

export const IdempotencyKey = Type.String({
  minLength: 8,
  maxLength: 64,
  pattern: '^[A-Za-z0-9_.:-]+$',
  description: 'Unique per movement; a retry with the same key gets the first answer and moves nothing',
})
export const CardAmount = Type.Integer({
  minimum: 1,
  maximum: 100_000_000,
  description: 'Minor units (fen, cents): whole numbers only',
})
export const MemberId = Type.String({ pattern: '^[0-9a-f]{20}$' })
export const EntryId = Type.String({
  pattern: '^[0-9A-HJKMNP-TV-Z]{26}$',
  description: 'A ledger entry (its event id)',
})
export const TopUpPaymentSchema = Type.Union(
  [
    Type.Object({ method: Type.Literal('cash') }, { additionalProperties: false }),
    Type.Object(
      {
        method: Type.Literal('code'),
        authCode: Type.String({ pattern: '^\\d{16,24}$', description: "The customer's wallet payment code" }),
      },
      { additionalProperties: false },
    ),
  ],
  { description: 'How the member pays for the top-up: cash at the till, or a wallet payment code charged now' },
)
export const Pin = Type.String({ pattern: '^\\d{4,8}$' })

const Kind = StringEnum(['topup', 'debit', 'refund', 'reversal', 'payout'])
const Balance = Type.Object({
  principal: Type.Integer({ description: 'Money the member paid in' }),
  bonus: Type.Integer({ description: 'What the store gave on top (never refunded as money)' }),
  total: Type.Integer(),
})

export const MovedReply = Type.Object({
  memberId: Type.String(),
  currency: Type.String(),
  entry: Type.Object({
    id: Type.String(),
    seq: Type.Integer(),
    time: Type.Integer(),
    kind: Kind,
    amount: Type.Integer(),
    principal: Type.Integer(),
    bonus: Type.Integer(),
  }),
  balance: Balance,
  repeated: Type.Boolean(),
  home: Type.Optional(
    Type.Object(
      { store: Type.String(), name: Type.String() },
      { description: "A member of another store of this merchant: their home store, which holds the card's ledger" },
    ),
  ),
})

export const StatementLineSchema = Type.Object({
  id: Type.String(),
  kind: Kind,
  principal: Type.Integer(),
  bonus: Type.Integer(),
  time: Type.Integer(),
  seq: Type.Integer(),
  ofEntry: Nullable(Type.String()),
  method: Nullable(Type.String()),
  reference: Nullable(Type.String()),
  cashier: Nullable(Type.String()),
  approver: Nullable(Type.String()),
  device: Nullable(Type.String()),
})

export const CardReply = Type.Object({
  memberId: Type.String(),
  currency: Type.String(),
  principal: Type.Integer(),
  bonus: Type.Integer(),
  total: Type.Integer(),
  openedAt: Nullable(Type.Integer()),
  statement: Type.Array(StatementLineSchema, { description: 'Newest first' }),
})

/** Every refusal a card route may answer (error-status.ts says which code gets which). */
export const CARD_ERRORS = {
  400: ErrorBody,
  401: ErrorBody,
  402: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  422: ErrorBody,
  429: ErrorBody,
  503: ErrorBody,
}
