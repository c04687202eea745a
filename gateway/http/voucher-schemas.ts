/** Response schemas shared by the POS API and the cashier screen (also the OpenAPI document). */
import { Nullable, StringEnum } from './schema-types.js'
import { Type } from '@sinclair/typebox'
import { REJECTION_REASONS } from '../vouchers/verify.js'
import { LocalText } from '../../config/schema-parts.js'

const Text = LocalText(400)
const Text2 = Type.Required(Text)
const Value = Type.Union([
  Type.Object({ amount: Type.Integer(), currency: Type.String() }),
  Type.Object({ item: Text }),
])

export const VoucherSummarySchema = Type.Object({
  key: Type.String({ description: "kid:campaign:serial — the voucher's identity chain-wide" }),
  kid: Type.Integer(),
  campaign: Type.Integer(),
  serial: Type.Integer(),
  issuerStore: Type.Optional(Type.String()),
  name: Type.Optional(Text),
  value: Type.Optional(Value),
})

export const PreviousSchema = Type.Union([
  Type.Object({
    redemptionId: Type.String(),
    time: Type.Integer(),
    store: Type.String(),
    device: Nullable(Type.String()),
    cashier: Nullable(Type.String()),
  }),
  Type.Null(),
])

export const Reason = StringEnum(REJECTION_REASONS)

export const RedeemOutcomeSchema = Type.Object({
  ok: Type.Boolean(),
  reason: Type.Optional(Reason),
  detail: Type.Optional(Type.String()),
  redemptionId: Type.Optional(Type.String()),
  voucher: Type.Optional(VoucherSummarySchema),
  use: Type.Optional(Type.Integer()),
  maxUses: Type.Optional(Type.Integer()),
  previous: Type.Optional(PreviousSchema),
  time: Type.Integer({ description: 'ms since the Unix epoch' }),
  seq: Type.Integer({ description: 'Journal seq of the outcome event' }),
})

export const TillResultSchema = Type.Object({
  id: Type.String(),
  seq: Type.Integer(),
  time: Type.Integer(),
  device: Nullable(Type.String()),
  cashier: Nullable(Type.String()),
  kind: Type.String(),
  ok: Type.Boolean(),
  reason: Nullable(Type.String()),
  headline: Text2,
  advice: Type.Union([Text2, Type.Null()]),
  detail: Type.String(),
  handOver: Type.Union([Text2, Type.Null()]),
  uses: Type.Optional(Type.Object({ use: Type.Integer(), of: Type.Integer() })),
  voucher: Type.Optional(VoucherSummarySchema),
  redemptionId: Type.Optional(Type.String()),
  memberId: Type.Optional(Type.String()),
  previous: Type.Optional(
    Type.Union([
      Type.Object({
        redemptionId: Type.String(),
        time: Type.Integer(),
        store: Type.String(),
        storeName: Type.String({ description: "The store's name for people" }),
        device: Nullable(Type.String()),
        cashier: Nullable(Type.String()),
      }),
      Type.Null(),
    ]),
  ),
  voided: Type.Optional(Type.Boolean()),
  cardMove: Type.Optional(
    Type.Union([
      Type.Object({
        ok: Type.Literal(true),
        entry: Type.Object({
          id: Type.String(),
          seq: Type.Integer(),
          time: Type.Integer(),
          kind: Type.String(),
          amount: Type.Integer(),
          principal: Type.Integer(),
          bonus: Type.Integer(),
        }),
        balance: Type.Object({ principal: Type.Integer(), bonus: Type.Integer(), total: Type.Integer() }),
        currency: Type.String(),
      }),
      Type.Object({ ok: Type.Literal(false), error: Type.String(), message: Type.String() }),
    ]),
  ),
})

export const VoidOutcomeSchema = Type.Object({
  ok: Type.Boolean(),
  reason: Type.Optional(StringEnum(['not_found', 'already_voided', 'void_window_passed'])),
  redeemedAt: Type.Optional(Nullable(Type.Integer())),
  time: Type.Optional(Type.Integer()),
  seq: Type.Integer(),
})
