/** The back office (/admin): who may log in, with which role, and how long a session lasts idle. */
import { Type, type Static } from '@sinclair/typebox'

export const AdminSchema = Type.Object(
  {
    users: Type.Array(
      Type.Object(
        {
          id: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,31}$', description: 'Login name' }),
          name: Type.String({ minLength: 1, maxLength: 80, description: 'Shown in the console and in the journal' }),
          role: Type.Union([Type.Literal('manager'), Type.Literal('staff')], {
            description: 'manager: every page and change; staff: the overview, vouchers and the print queue',
          }),
          passwordHash: Type.String({
            pattern: '^scrypt\\$[A-Za-z0-9_-]{22}\\$[A-Za-z0-9_-]{43}$',
            description: 'Output of `tillside secret password` (the password on stdin)',
          }),
        },
        { additionalProperties: false },
      ),
      { default: [], description: 'Back-office accounts; none: /admin lets nobody in' },
    ),
    sessionIdleMinutes: Type.Integer({
      minimum: 1,
      maximum: 24 * 60,
      default: 30,
      description: 'A console left this long without a request asks for the password again',
    }),
  },
  { additionalProperties: false, default: {} },
)
export type AdminConfig = Static<typeof AdminSchema>
