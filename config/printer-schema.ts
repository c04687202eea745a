/** Receipt printers in the config (docs/printers.md). */
import { Type, type Static } from '@sinclair/typebox'
import { DeviceId, Role, Tagged } from './schema-parts.js'

const PrinterTransport = Tagged('type', [
  Type.Object(
    {
      type: Type.Literal('tcp'),
      host: Type.String({ minLength: 1, description: 'Printer address (give it a fixed IP or DHCP reservation)' }),
      port: Type.Integer({ minimum: 1, maximum: 65535, default: 9100 }),
    },
    { additionalProperties: false, description: 'Network printer, raw TCP (port 9100)' },
  ),
  Type.Object(
    {
      type: Type.Literal('serial'),
      path: Type.String({ minLength: 1, description: 'Prefer /dev/serial/by-id/…' }),
      baudRate: Type.Integer({ minimum: 1200, maximum: 921_600, default: 9600 }),
    },
    { additionalProperties: false, description: 'RS-232 or USB-serial printer, 8N1' },
  ),
  Type.Object(
    {
      type: Type.Literal('usb'),
      path: Type.String({
        minLength: 1,
        description: 'USB printer-class device, e.g. /dev/usb/lp0 (the service user needs the lp group)',
      }),
    },
    { additionalProperties: false, description: 'USB printer class (Linux usblp)' },
  ),
  Type.Object(
    { type: Type.Literal('simulator') },
    { additionalProperties: false, description: 'In-process virtual printer; keeps what it printed (development)' },
  ),
])

export const PrinterSchema = Type.Object(
  {
    id: DeviceId,
    role: Role,
    name: Type.Optional(Type.String({ maxLength: 80 })),
    transport: PrinterTransport,
    paperWidth: Type.Union([Type.Literal(58), Type.Literal(80)], {
      default: 80,
      description: 'Paper width in mm (58: 32 characters, 384 dots; 80: 48 characters, 576 dots)',
    }),
    encoding: Type.Union(
      [
        Type.Literal('gb18030'),
        Type.Literal('cp437'),
        Type.Literal('cp858'),
        Type.Literal('cp1252'),
        Type.Literal('cp866'),
      ],
      {
        default: 'gb18030',
        description: 'gb18030 for printers with a Chinese font (Chinese mode); a code page for Latin-only printers',
      },
    ),
    nativeQr: Type.Boolean({
      default: true,
      description: 'false for printers without the GS ( k QR command: QR codes are sent as images',
    }),
    statusChannel: Type.Boolean({
      default: true,
      description: 'false for one-way printers that answer no status: jobs print blind, paper-out cannot be seen',
    }),
    statusTimeoutMs: Type.Integer({
      minimum: 50,
      maximum: 10_000,
      default: 500,
      description: 'How long to wait for each status answer',
    }),
    pollMs: Type.Integer({
      minimum: 200,
      maximum: 60_000,
      default: 2000,
      description: 'Status poll interval while idle',
    }),
  },
  { additionalProperties: false },
)

export type PrinterConfig = Static<typeof PrinterSchema>
