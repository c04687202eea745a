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
    batchSize: Type.Integer({
      minimum: 10,
      maximum: 5_000,
      default: 200,
      description: 'Recipients written per fan-out transaction; the till gets its turn between two',
    }),
  },
  { additionalProperties: false, default: {} },
)

export type MessagesConfig = Static<typeof MessagesSchema>
