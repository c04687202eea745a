/**
 * The service window (服务窗): messages and offers to the store's followers — how often a
 * member may be written to, when never, and how big a fan-out step is (docs/messages.md).
 */
import { Type, type Static } from '@sinclair/typebox'

const ClockTime = (description: string, dflt: string) =>
  Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', default: dflt, description })

export const MessagesSchema = Type.Object(
  {
    maxPerWeek: Type.Integer({
      minimum: 1,
      maximum: 50,
      default: 2,
      description: 'The most messages one member gets in any 7 days; more are not sent to them',
    }),
    quietHours: Type.Union(
      [
        Type.Object(
          { from: ClockTime('Nothing is sent from…', '21:00'), to: ClockTime('…until (store time)', '09:00') },
          { additionalProperties: false },
        ),
        Type.Null(),
      ],
      {
        default: { from: '21:00', to: '09:00' },
        description: 'Nothing is sent in these hours; a message due then goes out when they end (null: any time)',
      },
    ),
    webhook: Type.Optional(
      Type.Object(
        {
          url: Type.String({
            pattern: '^https?://',
            maxLength: 500,
            description:
              "Where each message goes, one POST per member (the merchant's SMS gateway, an official-account bridge…)",
          }),
          secretFile: Type.String({
            minLength: 1,
            maxLength: 200,
            pattern: '^[^/]+$',
            default: 'message-webhook.key',
            description: 'The HMAC key signing each POST (X-Tillside-Signature), a file in the data dir, mode 0600',
          }),
          timeoutMs: Type.Integer({
            minimum: 100,
            maximum: 60_000,
            default: 5_000,
            description: 'An answer later than this is a failure: tried again',
          }),
          retryFirstMs: Type.Integer({
            minimum: 100,
            maximum: 600_000,
            default: 5_000,
            description: 'A failed POST is tried again after this, then twice as long each time (up to 10 min)',
          }),
          giveUpHours: Type.Integer({
            minimum: 1,
            maximum: 168,
            default: 24,
            description:
              'A send still failing this long after the message reached the member is given up (shown as failed)',
          }),
          linkBase: Type.Optional(
            Type.String({
              pattern: '^https?://',
              maxLength: 300,
              description: "Base URL of the member's inbox and voucher links in the POST; default portal.publicUrl",
            }),
          ),
        },
        { additionalProperties: false, description: 'Deliver each message also by webhook (docs/messages.md)' },
      ),
    ),
    batchSize: Type.Integer({
      minimum: 10,
      maximum: 5_000,
      default: 20,
      description: 'Recipients written per fan-out transaction; a till scan waits for at most one',
    }),
  },
  { additionalProperties: false, default: {} },
)

export type MessagesConfig = Static<typeof MessagesSchema>
