/**
 * The written shape of every journal event: what writers may append, what readers may
 * expect, and what the cloud receives (each event goes to it as journaled). The types
 * are checked where events are appended (`TxContext.append`, `Journal.append`);
 * docs/events.schema.json is generated from these schemas (npm run gen:schema) and
 * docs/asyncapi.yaml points at it. A test holds every event a real run journals to it.
 *
 * Versioning (EVENT_CONTRACT_VERSION): adding an event type or an optional field is
 * compatible and keeps the version; receivers ignore what they do not know. Renaming,
 * removing or retyping a field is a new version and a new type name (`voucher.redeemed.v2`),
 * because old events stay in journals and clouds for years.
 */
import { Type, type Static, type TObject, type TProperties, type TSchema } from '@sinclair/typebox'
import { VoucherValue } from '../../config/schema-parts.js'

export const EVENT_CONTRACT_VERSION = 1

const Str = Type.String({ minLength: 1 })
const Int = Type.Integer()
const Time = Type.Integer({ minimum: 0, description: 'ms since the Unix epoch' })
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()])
const Event = <P extends TProperties>(description: string, props: P): TObject<P> =>
  Type.Object(props, { additionalProperties: false, description })

/** Which voucher: its key (kid.campaign.serial) and the parts, as printed in its code. */
const VoucherRef = { voucherKey: Str, kid: Int, campaign: Int, serial: Int }
/** What a redemption or a refused one records about the voucher's source and context. */
const RedeemContext = {
  cashier: Nullable(Str),
  issuerStore: Type.Optional(Str),
  value: Type.Optional(VoucherValue),
  memberTag: Type.Optional(Type.Integer({ minimum: 0, description: '0 = issued to no member' })),
  issuerMerchant: Type.Optional(
    Type.String({ minLength: 1, description: 'The campaign’s merchant: who funds the voucher (settlement)' }),
  ),
  storeMerchant: Type.Optional(
    Type.String({ minLength: 1, description: 'This store’s merchant: who honoured the voucher (settlement)' }),
  ),
  source: Type.Optional(
    Type.Record(Type.String(), Type.Unknown(), { description: 'What led here, e.g. { scanId } or { pos, key }' }),
  ),
}
const PrintEnd = Event('A print job moved on; `by` when a person did it (admin:<user>, pos:<name>)', {
  jobId: Str,
  error: Nullable(Type.String()),
  by: Type.Optional(Str),
})
/** A payment-code charge's step (charge-protocol.ts): `reference` is ours, `transactionId` the provider's. */
const PaymentFields = {
  status: Type.Union(['started', 'pending', 'paid', 'declined', 'reversing', 'reversed'].map((s) => Type.Literal(s))),
  provider: Str,
  amount: Int,
  currency: Str,
  maskedCode: Str,
  transactionId: Nullable(Str),
  detail: Type.String(),
  /** Absent on charges recorded before the protocol (issue #21). */
  reference: Type.Optional(Str),
}
const Refund = (what: string) =>
  Event(`Money given back on a paid payment-code charge: ${what}`, {
    reference: Str,
    chargeReference: Str,
    provider: Str,
    amount: Int,
    currency: Str,
    transactionId: Nullable(Str),
    refundId: Nullable(Str),
    detail: Type.String(),
    /** A refund given at the till: its cashier and the manager who approved it (absent for a POS's). */
    cashier: Type.Optional(Str),
    approvedBy: Type.Optional(Str),
  })
const Payment = (what: string) => Event(`A wallet payment-code charge ${what} (the payment code masked)`, PaymentFields)
/** Every card movement: what it moved from principal and bonus (signed) and the balance after. */
const CardMove = {
  memberId: Str,
  currency: Str,
  amount: Type.Integer({ description: 'The movement’s size, always positive (principal and bonus are signed)' }),
  principal: Int,
  bonus: Int,
  balance: Type.Object({ principal: Int, bonus: Int }, { additionalProperties: false }),
  cashier: Nullable(Str),
}
const Command = Event('A cloud command and what became of it', {
  id: Str,
  type: Str,
  status: Type.Union([Type.Literal('ok'), Type.Literal('rejected')]),
  reason: Nullable(Str),
  detail: Nullable(Type.String()),
})

export const EVENT_SCHEMAS = {
  scan: Event(
    'A barcode or QR code read by a scanner (journaled before anything acts on it; a wallet payment code masked)',
    {
      data: Type.String(),
      symbology: Nullable(Str),
      aimId: Nullable(Str),
      role: Type.Union([Type.Literal('till'), Type.Literal('kiosk')]),
    },
  ),
  'voucher.issued': Event('A voucher was issued (its code is signed from these fields)', {
    kid: Int,
    campaign: Int,
    serial: Int,
    member: Nullable(Str),
    expiresHour: Int,
    channel: Str,
    store: Str,
  }),
  'voucher.redeemed': Event('A voucher was taken at the till or by the POS', {
    ...VoucherRef,
    use: Type.Integer({ minimum: 1, description: 'Which use of the voucher this is (1 = the first)' }),
    maxUses: Type.Integer({ minimum: 1, description: 'Uses the voucher allows' }),
    store: Str,
    ...RedeemContext,
  }),
  'voucher.rejected': Event('A voucher was refused; the voucher fields are absent when the code could not be read', {
    reason: Str,
    detail: Type.Optional(Type.String()),
    voucherKey: Type.Optional(Str),
    kid: Type.Optional(Int),
    campaign: Type.Optional(Int),
    serial: Type.Optional(Int),
    previous: Type.Optional(
      Nullable(
        Type.Object(
          { redemptionId: Str, time: Time, store: Str, device: Nullable(Str), cashier: Nullable(Str) },
          { additionalProperties: false, description: 'The redemption that used it up' },
        ),
      ),
    ),
    ...RedeemContext,
  }),
  'voucher.voided': Event('A redemption was voided (the voucher can be used again)', {
    redemptionId: Str,
    voucherKey: Str,
    cashier: Str,
    reason: Nullable(Type.String()),
    redeemedAt: Time,
  }),
  'voucher.void_refused': Event('A void was refused', {
    redemptionId: Str,
    reason: Type.Union([Type.Literal('not_found'), Type.Literal('already_voided'), Type.Literal('void_window_passed')]),
    cashier: Str,
  }),
  'member.created': Event('A new member (the phone is never in an event)', { memberId: Str, channel: Str }),
  'member.consent': Event('A member gave or withdrew a consent', {
    memberId: Str,
    kind: Str,
    version: Str,
    granted: Type.Boolean(),
    channel: Str,
  }),
  'member.tagged': Event('A manager put a tag on a member, or took it off', {
    memberId: Str,
    tag: Str,
    added: Type.Boolean(),
    by: Str,
  }),
  'member.forgotten': Event('A member forgotten: phone, consents and profile removed; the id stays pseudonymous', {
    memberId: Str,
    reason: Type.Union([Type.Literal('request'), Type.Literal('retention')]),
    by: Str,
  }),
  'message.composed': Event('A message to followers, composed in the back office (its text stays in the store)', {
    messageId: Str,
    audience: Str,
    campaign: Nullable(Int),
    sendAt: Int,
    languages: Type.Array(Str),
    by: Str,
  }),
  'message.fanned_out': Event('A step of a message’s fan-out: members walked up to `through`, who got it', {
    messageId: Str,
    through: Str,
    walked: Int,
    delivered: Int,
    capped: Int,
  }),
  'message.sent': Event('A message reached every member of its audience it could', {
    messageId: Str,
    delivered: Int,
    capped: Int,
  }),
  'message.cancelled': Event('A message stopped before it reached everyone', {
    messageId: Str,
    delivered: Int,
    by: Str,
  }),
  'message.send_failed': Event('A message’s webhook POST to a member given up after messages.webhook.giveUpHours', {
    messageId: Str,
    memberId: Str,
    error: Type.String(),
  }),
  'message.opened': Event('A member opened a message (in the inbox, or by its link)', {
    messageId: Str,
    memberId: Str,
  }),
  'pos.sale': Event('A sale the POS reported', {
    pos: Str,
    amount: Int,
    currency: Str,
    member: Nullable(Str),
    payments: Type.Array(Type.Object({ method: Str, amount: Int }, { additionalProperties: false })),
    redemptions: Type.Array(Str),
    reference: Nullable(Type.String()),
  }),
  'payment.started': Payment('about to be sent to the provider: from here on it is never forgotten'),
  'payment.pending': Payment('waiting for the customer to confirm on the phone'),
  'payment.paid': Payment('paid, as the provider said'),
  'payment.declined': Payment('declined, as the provider said'),
  'payment.reversing': Payment('not confirmed in time: being cancelled at the provider'),
  'payment.reversed': Payment('cancelled, as the provider confirmed: nothing charged'),
  'payment.refund_started': Refund('about to be asked of the provider: from here on it is never forgotten'),
  'payment.refunded': Refund('given back, as the provider said'),
  'payment.refund_refused': Refund('refused by the provider: nothing given back'),
  'payment.refused_offline': Event('A payment code refused because the provider was unreachable (never queued)', {
    wallet: Str,
    maskedCode: Str,
    amount: Int,
    currency: Str,
    detail: Type.String(),
  }),
  'card.topped_up': Event('Money put on a member’s stored-value card (the event id is the ledger entry’s)', {
    ...CardMove,
    method: Str,
    reference: Nullable(Type.String()),
    idChecked: Type.Boolean(),
  }),
  'card.debited': Event('A payment from a stored-value card, split in proportion to principal and bonus', {
    ...CardMove,
    reference: Nullable(Type.String()),
  }),
  'card.refunded': Event('Part or all of a card payment put back on the card, as it was split', {
    ...CardMove,
    debitId: Str,
  }),
  'card.reversed': Event('A top-up taken back off the card, approved by a manager', {
    ...CardMove,
    topUpId: Str,
    approver: Str,
  }),
  'card.paid_out': Event('A card closed: its principal handed back, its bonus forfeited, approved by a manager', {
    ...CardMove,
    paidOut: Int,
    forfeited: Int,
    approver: Str,
  }),
  'card.remote_debited': Event(
    "A payment here from the card of another store's member, debited at that home store (its ledger entry named)",
    { ...CardMove, homeStore: Str, homeName: Type.String(), entryId: Str, reference: Nullable(Type.String()) },
  ),
  'card.remote_abandoned': Event(
    'A payment from another store’s card that got no answer in time: refused here, and taken back at home if it was made',
    { memberId: Str, key: Str, amount: Int, cashier: Nullable(Str) },
  ),
  'card.refused': Event('A card movement refused, and why (nothing moved)', {
    memberId: Str,
    action: Type.Union([
      Type.Literal('topup'),
      Type.Literal('debit'),
      Type.Literal('refund'),
      Type.Literal('reverse'),
      Type.Literal('payout'),
    ]),
    amount: Int,
    reason: Str,
    cashier: Nullable(Str),
  }),
  'print.queued': Event('A print job was queued; `by` who asked for a reprint (admin:<user>, pos:<name>)', {
    printer: Str,
    kind: Str,
    requestKey: Nullable(Str),
    reprintOf: Nullable(Str),
    by: Type.Optional(Str),
  }),
  'print.retry': PrintEnd,
  'print.done': PrintEnd,
  'print.failed': PrintEnd,
  'print.cancelled': PrintEnd,
  'print.interrupted': Event('A job stopped mid-print (maybe on paper); `printer` when found at start', {
    jobId: Str,
    error: Type.Optional(Nullable(Type.String())),
    printer: Type.Optional(Str),
  }),
  'command.applied': Command,
  'command.rejected': Command,
  'kiosk.played': Event('A kiosk game was played and its prize voucher issued', {
    playId: Str,
    day: Str,
    draw: Int,
    prize: Str,
    campaign: Int,
    serial: Int,
    kid: Int,
    member: Nullable(Str),
    weights: Type.Array(Type.Tuple([Str, Int]), { description: 'The odds the draw used: [prize, weight] pairs' }),
  }),
  'kiosk.seed_committed': Event('The hash of the day’s draw seed, sent before any draw', { day: Str, commitment: Str }),
  'kiosk.lease_applied': Event('A new prize lease (stock the kiosk may give away)', {
    version: Int,
    validTo: Nullable(Time),
    prizes: Type.Array(Type.Object({ id: Str, campaign: Int, stock: Int }, { additionalProperties: false })),
  }),
  'kiosk.limit_reached': Event('A kiosk went over a rate limit (first per kiosk, action and hour)', {
    kiosk: Str,
    action: Type.Union([Type.Literal('identify'), Type.Literal('play')]),
    limit: Str,
    at: Time,
  }),
  'portal.session_started': Event('A guest got Wi-Fi', {
    sessionId: Str,
    memberId: Str,
    controller: Str,
    expiresAt: Time,
    randomisedMac: Type.Boolean(),
  }),
  'portal.session_ended': Event('A guest’s Wi-Fi ended', { sessionId: Str, memberId: Str, reason: Str }),
  'admin.session': Event('A back-office login, logout, or logins locked after wrong passwords', {
    user: Str,
    action: Type.Union([Type.Literal('login'), Type.Literal('logout'), Type.Literal('locked')]),
  }),
  'admin.double_use_handled': Event(
    'A manager marked a voucher the cloud found used beyond its uses across stores as dealt with',
    { voucherKey: Str, user: Str },
  ),
  'admin.export': Event('A table exported from the back office as CSV, by whom, for which times [from, to)', {
    user: Str,
    table: Str,
    from: Int,
    to: Int,
  }),
}

export type EventType = keyof typeof EVENT_SCHEMAS
export type EventPayloads = { [K in EventType]: Static<(typeof EVENT_SCHEMAS)[K]> }
/** The payload a known type must carry; other types (tests, tools) take any object. */
export type PayloadOf<T extends string> = T extends EventType ? EventPayloads[T] : object

export const EVENT_TYPES = Object.keys(EVENT_SCHEMAS) as EventType[]
