/** Members: phone numbers typed without a calling code, the consent wording's version, and how members are segmented. */
import { Type } from '@sinclair/typebox'

export const MembersSchema = Type.Object(
  {
    defaultCountryCode: Type.String({
      pattern: '^[1-9]\\d{0,2}$',
      default: '86',
      description: 'Calling code for phone numbers typed without one',
    }),
    consentVersion: Type.String({
      minLength: 1,
      maxLength: 32,
      default: '2026-11',
      description: 'Version of the consent wording shown to customers; recorded with every consent',
    }),
    segments: Type.Object(
      {
        windowMonths: Type.Integer({
          minimum: 1,
          maximum: 60,
          default: 12,
          description: 'RFM frequency and monetary count this many months back (this month included)',
        }),
        newDays: Type.Integer({ minimum: 1, maximum: 365, default: 30, description: 'A member this new is "new"' }),
        lapsingDays: Type.Integer({
          minimum: 1,
          maximum: 3650,
          default: 60,
          description: 'No visit for this many days: "lapsing"',
        }),
        lostDays: Type.Integer({
          minimum: 1,
          maximum: 3650,
          default: 180,
          description: 'No visit for this many days: "lost"',
        }),
      },
      { additionalProperties: false, default: {}, description: 'How members are segmented (docs/members.md)' },
    ),
  },
  { additionalProperties: false, default: {} },
)
