/**
 * The one config schema. The TypeScript type is derived from it, so the two cannot
 * drift; `npm run gen:schema` writes config/schema.json from it for editors.
 */
import { Type, type Static } from '@sinclair/typebox'
import { BrandSchema } from './brand.js'
import { DeviceId, LANGS, Role, STORE_ID_PATTERN, Tagged, connectionLimits } from './schema-parts.js'
import { PrinterSchema } from './printer-schema.js'
import { SyncSchema } from './sync-schema.js'
import { KioskSchema } from './kiosk-schema.js'
import { PortalSchema } from './portal-schema.js'
import { AdminSchema } from './admin-schema.js'
import { PaymentsSchema } from './payments-schema.js'
import { CardsSchema } from './cards-schema.js'
import { MembersSchema } from './members-schema.js'
import { MessagesSchema } from './messages-schema.js'

const UsbId = Type.Integer({ minimum: 0, maximum: 0xffff })

const SerialTransport = Type.Object(
  {
    type: Type.Literal('serial'),
    path: Type.String({
      minLength: 1,
      description: 'Device path; prefer /dev/serial/by-id/… which survives replugging into another port',
    }),
    baudRate: Type.Integer({ minimum: 50, maximum: 4_000_000, default: 9600 }),
    dataBits: Type.Union([Type.Literal(5), Type.Literal(6), Type.Literal(7), Type.Literal(8)], { default: 8 }),
    parity: Type.Union(
      [Type.Literal('none'), Type.Literal('even'), Type.Literal('odd'), Type.Literal('mark'), Type.Literal('space')],
      { default: 'none' },
    ),
    stopBits: Type.Union([Type.Literal(1), Type.Literal(1.5), Type.Literal(2)], { default: 1 }),
    framing: Type.Union(
      [Type.Literal('CR'), Type.Literal('LF'), Type.Literal('CRLF'), Type.Literal('TAB'), Type.Literal('idle')],
      {
        default: 'CR',
        description: 'How one scan ends: the scanner\'s suffix, or "idle" = a pause of idleGapMs with no bytes',
      },
    ),
    idleGapMs: Type.Integer({
      minimum: 5,
      maximum: 5000,
      default: 50,
      description: 'With framing "idle": the pause that ends a scan',
    }),
    maxFrameBytes: Type.Integer({
      minimum: 16,
      maximum: 65536,
      default: 4096,
      description: 'Longest accepted scan; longer input is discarded up to the next frame end',
    }),
    encoding: Type.Union([Type.Literal('utf8'), Type.Literal('latin1'), Type.Literal('gb18030')], { default: 'utf8' }),
  },
  { additionalProperties: false },
)

const HidPosTransport = Type.Object(
  {
    type: Type.Literal('hid-pos'),
    vendorId: UsbId,
    productId: UsbId,
    serialNumber: Type.Optional(Type.String({ minLength: 1 })),
    encoding: Type.Union([Type.Literal('utf8'), Type.Literal('latin1'), Type.Literal('gb18030')], { default: 'utf8' }),
  },
  { additionalProperties: false, description: 'USB HID POS scanner (usage page 0x8C)' },
)

const HidKeyboardTransport = Type.Object(
  {
    type: Type.Literal('hid-keyboard'),
    vendorId: UsbId,
    productId: UsbId,
    serialNumber: Type.Optional(Type.String({ minLength: 1 })),
    layout: Type.Union([Type.Literal('us'), Type.Literal('uk'), Type.Literal('de'), Type.Literal('fr')], {
      default: 'us',
      description: 'Keyboard layout the scanner is programmed for',
    }),
    terminator: Type.Union([Type.Literal('enter'), Type.Literal('tab')], { default: 'enter' }),
  },
  { additionalProperties: false, description: 'Keyboard-wedge scanner read as raw HID (never types into windows)' },
)

const SimulatorTransport = Type.Object(
  {
    type: Type.Literal('simulator'),
    stdin: Type.Boolean({ default: false, description: 'Also read one scan per line from standard input' }),
  },
  { additionalProperties: false },
)

export const ScannerDeviceSchema = Type.Object(
  {
    id: DeviceId,
    kind: Type.Literal('scanner'),
    role: Role,
    name: Type.Optional(Type.String({ maxLength: 80 })),
    transport: Tagged('type', [SerialTransport, HidPosTransport, HidKeyboardTransport, SimulatorTransport]),
    symbologyIds: Type.Union([Type.Literal('none'), Type.Literal('aim')], {
      default: 'none',
      description: 'Set to "aim" when the scanner is programmed to send AIM identifiers (]Q1, ]E0, …)',
    }),
    stripPrefix: Type.String({ default: '', maxLength: 16 }),
    stripSuffix: Type.String({ default: '', maxLength: 16 }),
    feedback: Type.Optional(
      Type.Object(
        {
          goodRead: Type.String({
            pattern: '^([0-9a-fA-F]{2})+$',
            maxLength: 128,
            description:
              "Bytes (hex) that make the scanner signal an accepted code, from the scanner's programming guide",
          }),
          badRead: Type.String({
            pattern: '^([0-9a-fA-F]{2})+$',
            maxLength: 128,
            description: 'Bytes (hex) that make the scanner signal a refused code',
          }),
        },
        {
          additionalProperties: false,
          description: 'Serial scanners only: commands sent after each till decision (beep/LED)',
        },
      ),
    ),
  },
  { additionalProperties: false },
)

export const ConfigSchema = Type.Object(
  {
    store: Type.Object(
      {
        id: Type.String({
          pattern: STORE_ID_PATTERN,
          description: 'Store id, unique in the chain; appears in every synced event and MQTT topic',
        }),
        name: Type.String({ minLength: 1, maxLength: 120 }),
        merchant: Type.Optional(
          Type.String({
            minLength: 1,
            maxLength: 64,
            description: 'Merchant this store belongs to; campaigns can be redeemable at every store of a merchant',
          }),
        ),
        brand: BrandSchema,
        languages: Type.Array(Type.Union(LANGS.map((l) => Type.Literal(l))), {
          minItems: 1,
          uniqueItems: true,
          default: ['zh', 'en'],
          description:
            'Languages the screens, phone pages and slips offer, the first by default: zh (Simplified Chinese), zh-TW (Traditional Chinese), en',
        }),
        merchantName: Type.Optional(
          Type.String({
            minLength: 1,
            maxLength: 120,
            description: 'The merchant\'s name for customers ("all <merchantName> stores" on vouchers)',
          }),
        ),
      },
      { additionalProperties: false },
    ),
    version: Type.Optional(
      Type.Integer({
        minimum: 1,
        description:
          "The config file's format (config/config-version.ts); without it, 1. Since 2, relative paths are read from the file's folder",
      }),
    ),
    dataDir: Type.String({
      minLength: 1,
      default: './data',
      description:
        "SQLite journal and keys; relative to the config file's folder (TILLSIDE_DATA_DIR: to the working directory)",
    }),
    metrics: Type.Object(
      {
        enabled: Type.Boolean({
          default: true,
          description: 'Serve /metrics (Prometheus text format) on the main listener',
        }),
        tokenHash: Type.Optional(
          Type.String({
            pattern: '^sha256\\$[0-9a-f]{64}$',
            description: 'If set, /metrics asks for this bearer token (`tillside secret hash --token`)',
          }),
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    dev: Type.Boolean({ default: false, description: 'Development mode: enables /api/dev/* (simulated scans)' }),
    database: Type.Object(
      {
        integrityCheckAfterMinutes: Type.Number({
          minimum: 0,
          maximum: 1440,
          default: 10,
          description:
            'The first full integrity check runs this long after start (in the background; start-up never waits for it)',
        }),
        integrityCheckEveryHours: Type.Number({
          minimum: 1,
          maximum: 720,
          default: 24,
          description: 'Then again this often; a failure raises an alarm',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    http: Type.Object(
      {
        host: Type.String({ minLength: 1, default: '127.0.0.1' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
        ...connectionLimits({ perAddress: 64, total: 512 }),
      },
      { additionalProperties: false, default: {} },
    ),
    devices: Type.Array(ScannerDeviceSchema, { default: [] }),
    printers: Type.Array(PrinterSchema, {
      default: [],
      description: 'Receipt printers (ESC/POS); see docs/printers.md',
    }),
    vouchers: Type.Object(
      {
        rootPublicKey: Type.Optional(
          Type.String({
            pattern: '^[A-Za-z0-9_-]{43}$',
            description:
              "The operator's root Ed25519 public key (raw, base64url) that signs trust lists. Without it (and dev off) every voucher is refused as unknown_issuer",
          }),
        ),
        trustListFile: Type.Optional(
          Type.String({
            minLength: 1,
            description: 'Signed trust list (JSON); the newest verified version wins over the copy in dataDir',
          }),
        ),
        campaignsFile: Type.Optional(
          Type.String({ minLength: 1, description: 'Campaigns (YAML or JSON), see docs/vouchers.md' }),
        ),
        revocationsFile: Type.Optional(
          Type.String({ minLength: 1, description: 'Revoked vouchers, campaigns and issuer keys (YAML or JSON)' }),
        ),
        voidWindowMinutes: Type.Integer({
          minimum: 0,
          maximum: 1440,
          default: 15,
          description: 'How long after a redemption the cashier may void it',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    members: MembersSchema,
    messages: MessagesSchema,
    payments: PaymentsSchema,
    till: Type.Object(
      {
        cashiers: Type.Array(
          Type.Object(
            {
              id: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,31}$' }),
              name: Type.String({ minLength: 1, maxLength: 80 }),
              role: Type.Union([Type.Literal('cashier'), Type.Literal('manager')], {
                default: 'cashier',
                description: "manager: may also approve what needs a manager's PIN (reversing a card top-up)",
              }),
              pinHash: Type.String({
                pattern: '^scrypt\\$[A-Za-z0-9_-]{22}\\$[A-Za-z0-9_-]{43}$',
                description: 'Output of `tillside secret hash --pin`; never the PIN itself',
              }),
            },
            { additionalProperties: false },
          ),
          { default: [], description: 'Who may log in at /till (by PIN) and void redemptions' },
        ),
        posTokens: Type.Array(
          Type.Object(
            {
              name: Type.String({
                pattern: '^[a-z0-9][a-z0-9_-]{0,31}$',
                description: 'Which POS this token belongs to (recorded with its requests)',
              }),
              tokenHash: Type.String({
                pattern: '^sha256\\$[0-9a-f]{64}$',
                description: 'Output of `tillside secret hash --token`',
              }),
            },
            { additionalProperties: false },
          ),
          { default: [], description: 'Bearer tokens the POS software uses for /api/pos/*' },
        ),
        sessionMinutes: Type.Integer({
          minimum: 1,
          maximum: 1440,
          default: 720,
          description: 'Cashier login lifetime at /till',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    sync: SyncSchema,
    cards: CardsSchema,
    kiosk: KioskSchema,
    portal: PortalSchema,
    admin: AdminSchema,
    reconnect: Type.Object(
      {
        initialMs: Type.Integer({ minimum: 10, maximum: 60_000, default: 500 }),
        maxMs: Type.Integer({ minimum: 100, maximum: 600_000, default: 30_000 }),
      },
      {
        additionalProperties: false,
        default: {},
        description: 'Device reconnect backoff (capped, jittered, exponential)',
      },
    ),
    log: Type.Object(
      {
        level: Type.Union(
          [
            Type.Literal('fatal'),
            Type.Literal('error'),
            Type.Literal('warn'),
            Type.Literal('info'),
            Type.Literal('debug'),
            Type.Literal('trace'),
            Type.Literal('silent'),
          ],
          { default: 'info' },
        ),
        format: Type.Union([Type.Literal('auto'), Type.Literal('json'), Type.Literal('pretty')], {
          default: 'auto',
          description:
            'auto: readable lines on a terminal, JSON (one object per line) otherwise — under systemd, to the journal',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
)

export type Config = Static<typeof ConfigSchema>
export type ScannerDeviceConfig = Static<typeof ScannerDeviceSchema>
export type ScannerTransportConfig = ScannerDeviceConfig['transport']
export type SerialTransportConfig = Static<typeof SerialTransport>
export type HidPosTransportConfig = Static<typeof HidPosTransport>
export type HidKeyboardTransportConfig = Static<typeof HidKeyboardTransport>
export type LogLevel = Config['log']['level']
export type { PrinterConfig } from './printer-schema.js'
