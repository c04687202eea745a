/** The kiosk and its prize game in the config (docs/kiosk.md). */
import { Type, type Static } from '@sinclair/typebox'
import { DeviceId, LocalText } from './schema-parts.js'

const Text = LocalText(80)

export const PrizeSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,31}$', description: 'Stable prize id (stock is kept by it)' }),
    campaign: Type.Integer({
      minimum: 0,
      maximum: 65535,
      description: 'The campaign whose voucher this prize is (must be issuable here)',
    }),
    stock: Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Units this store may give away' }),
  },
  { additionalProperties: false },
)

export const KioskSchema = Type.Object(
  {
    game: Type.Object(
      {
        title: Type.Optional(Text),
        playsPerMemberPerDay: Type.Integer({ minimum: 1, maximum: 100, default: 1 }),
        extraPlaysForTop: Type.Integer({
          minimum: 0,
          maximum: 100,
          default: 0,
          description: 'Extra plays a day for the top 20 % of members by value (docs/members.md)',
        }),
        prizes: Type.Array(PrizeSchema, {
          default: [],
          maxItems: 64,
          description:
            'The local prize lease (version 0): used until the cloud pushes one (command prize-inventory). Drawn weighted by stock left',
        }),
        consolation: Type.Optional(
          Type.Object(
            {
              campaign: Type.Integer({ minimum: 0, maximum: 65535 }),
              weight: Type.Integer({
                minimum: 1,
                maximum: 1_000_000,
                default: 10,
                description: "Draw weight against the prizes' stock left; never runs out",
              }),
            },
            {
              additionalProperties: false,
              description: 'The prize every play can win, without stock: the game always wins',
            },
          ),
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    credentials: Type.Array(
      Type.Object(
        {
          name: Type.String({
            pattern: '^[a-z0-9][a-z0-9_-]{0,31}$',
            description: 'Which kiosk this is (in logs, alarms and events)',
          }),
          device: Type.Optional({
            ...DeviceId,
            description: "The kiosk's scanner (a device with role kiosk); its plays are recorded against it",
          }),
          tokenHash: Type.String({
            pattern: '^sha256\\$[0-9a-f]{64}$',
            description: 'Output of `tillside secret token` (the kiosk holds the token)',
          }),
        },
        { additionalProperties: false },
      ),
      {
        default: [],
        maxItems: 32,
        description:
          "The store's kiosks. The kiosk API answers only a kiosk holding one of these tokens: the Electron shell (--token-file) or a browser paired once at /kiosk",
      },
    ),
    limits: Type.Object(
      {
        identifiesPerMinute: Type.Integer({
          minimum: 1,
          maximum: 600,
          default: 6,
          description: 'Phone identifications per kiosk per minute',
        }),
        identifiesPerHour: Type.Integer({ minimum: 1, maximum: 10_000, default: 120 }),
        playsPerMinute: Type.Integer({
          minimum: 1,
          maximum: 600,
          default: 12,
          description: 'Plays per kiosk per minute (a spin takes seconds)',
        }),
        playsPerHour: Type.Integer({ minimum: 1, maximum: 10_000, default: 360 }),
      },
      {
        additionalProperties: false,
        default: {},
        description:
          'Far above a real queue of customers, well below a script; a kiosk over a limit is refused for a while and raises an alarm',
      },
    ),
    idleResetSeconds: Type.Integer({
      minimum: 5,
      maximum: 3600,
      default: 60,
      description: 'Back to the attract loop after this long without a touch',
    }),
    publicUrl: Type.Optional(
      Type.String({
        pattern: '^https?://[^\\s/]+(/[^\\s]*)?$',
        description:
          'Base URL phones use to open /v/{code} (the store Wi-Fi address of this gateway); default: portal.publicUrl, else the address of the listener the kiosk is connected to',
      }),
    ),
  },
  { additionalProperties: false, default: {}, description: 'The customer kiosk and its prize game; see docs/kiosk.md' },
)
export type KioskConfig = Static<typeof KioskSchema>
