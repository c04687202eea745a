/** The guest Wi-Fi captive portal in the config (docs/portal.md). */
import { Type, type Static } from '@sinclair/typebox'
import { LocalText, Tagged, connectionLimits } from './schema-parts.js'

const Text = LocalText(400)
const Cidr = Type.String({ pattern: '^[0-9a-fA-F:.]+/\\d{1,3}$', description: 'Address range, e.g. 10.23.0.0/24' })
const Kbit = (description: string) =>
  Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0, description: `${description}; 0 = no limit` })

const NoController = Type.Object(
  { type: Type.Literal('none') },
  { additionalProperties: false, description: 'Development: nobody is let through anything; logins are only recorded' },
)

const NftablesController = Type.Object(
  {
    type: Type.Literal('nftables'),
    interface: Type.String({
      pattern: '^[A-Za-z0-9_.:-]{1,15}$',
      description: 'The guest network interface of this machine (it routes the guests)',
    }),
    table: Type.String({
      pattern: '^[a-z][a-z0-9_]{0,31}$',
      default: 'tillside_portal',
      description: 'The nftables table Tillside owns (replaced whole at start, deleted at stop)',
    }),
    nft: Type.String({ minLength: 1, default: 'nft', description: 'The nft program' }),
    allowPorts: Type.Array(Type.Integer({ minimum: 1, maximum: 65535 }), {
      default: [],
      maxItems: 16,
      description: 'Extra TCP ports on this machine guests may reach before login (besides DNS, DHCP and the portal)',
    }),
  },
  {
    additionalProperties: false,
    description: 'This machine is the guest router: nftables sets hold who is authorised and expire them',
  },
)

const OpenNdsController = Type.Object(
  {
    type: Type.Literal('opennds'),
    faskeyFile: Type.String({
      minLength: 1,
      description: "File holding openNDS's faskey (the same as the router's; mode 0600)",
    }),
    gatewayAddresses: Type.Array(Type.String({ pattern: '^[0-9.]+:\\d{1,5}$' }), {
      minItems: 1,
      maxItems: 16,
      description: 'The openNDS gateways (address:port) allowed to send guests here; a query naming another is refused',
    }),
    gatewayName: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'When set, queries must carry this gatewayname' }),
    ),
    uploadRateKbit: Kbit('Per-client upload rate'),
    downloadRateKbit: Kbit('Per-client download rate'),
    uploadQuotaKB: Kbit('Per-session upload quota (kB)'),
    downloadQuotaKB: Kbit('Per-session download quota (kB)'),
  },
  {
    additionalProperties: false,
    description: 'The store router runs openNDS with Tillside as its FAS (fas_secure_enabled 1); see docs/portal.md',
  },
)

export const PortalSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: false }),
    http: Type.Object(
      {
        host: Type.String({
          minLength: 1,
          default: '127.0.0.1',
          description: 'The guest listener: only portal pages and probes are served here',
        }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8081 }),
        ...connectionLimits({ perAddress: 16, total: 256 }),
      },
      { additionalProperties: false, default: {} },
    ),
    publicUrl: Type.Optional(
      Type.String({
        pattern: '^https?://[^\\s/]+$',
        description:
          'How guests reach the guest listener, e.g. http://10.23.0.1:8081; default: the address a request came to',
      }),
    ),
    guestNetworks: Type.Array(Cidr, {
      default: [],
      maxItems: 16,
      description: 'Guest address ranges: refused on the main listener (till, POS, admin) whatever its bind address',
    }),
    session: Type.Object(
      {
        lengthMinutes: Type.Number({
          minimum: 0.1,
          maximum: 10_080,
          default: 120,
          description: 'How long a login lasts (fractions allowed: 0.5 = 30 s)',
        }),
        idleMinutes: Type.Integer({
          minimum: 1,
          maximum: 1440,
          default: 30,
          description: 'A client silent this long must log in again',
        }),
        devicesPerMember: Type.Integer({
          minimum: 1,
          maximum: 10,
          default: 3,
          description: 'Sessions one member may hold at once; the oldest ends when another starts',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    limits: Type.Object(
      {
        loginsPerClientPerHour: Type.Integer({
          minimum: 1,
          maximum: 1000,
          default: 10,
          description: 'Per MAC (or address when the MAC is unknown)',
        }),
        loginsPerPhonePerHour: Type.Integer({ minimum: 1, maximum: 1000, default: 6 }),
        codesPerPhonePerHour: Type.Integer({
          minimum: 1,
          maximum: 100,
          default: 3,
          description: 'One-time codes sent to one number',
        }),
        codeAttempts: Type.Integer({
          minimum: 1,
          maximum: 10,
          default: 5,
          description: 'Wrong codes before a code is void',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    otp: Type.Object(
      {
        required: Type.Boolean({
          default: false,
          description: 'Ask for a one-time code sent to the phone before letting a guest on',
        }),
        sender: Type.Union([Type.Literal('dev'), Type.Literal('cloud')], {
          default: 'dev',
          description:
            'dev: the code is written to the gateway log; cloud: asked of the cloud over MQTT (rpc/otp-send)',
        }),
        ttlSeconds: Type.Integer({ minimum: 60, maximum: 1800, default: 300 }),
      },
      { additionalProperties: false, default: {} },
    ),
    privacy: Type.Object(
      {
        retentionMonths: Type.Integer({
          minimum: 1,
          maximum: 120,
          default: 24,
          description: 'What the consent text promises: how long membership data is kept after the last visit',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    store: Type.Object(
      {
        address: Type.Optional(Text),
        hours: Type.Optional(Text),
        about: Type.Optional(Text),
      },
      { additionalProperties: false, default: {}, description: 'What the landing page says about the store' },
    ),
    controller: Tagged('type', [NoController, NftablesController, OpenNdsController], {
      description: 'Who opens the network for a logged-in guest',
      default: { type: 'none' },
    }),
  },
  { additionalProperties: false, default: {}, description: 'The guest Wi-Fi captive portal; see docs/portal.md' },
)
export type PortalConfig = Static<typeof PortalSchema>
export type ControllerConfig = PortalConfig['controller']
