/** Cloud sync over MQTT in the config (docs/sync.md). */
import { Type, type Static } from '@sinclair/typebox'

const Path = (description: string) => Type.Optional(Type.String({ minLength: 1, description }))

export const SyncSchema = Type.Object(
  {
    broker: Type.String({
      pattern: '^(none|embedded|mqtts?://[^\\s]+)$',
      default: 'none',
      description:
        'none: no sync (events stay queued in the journal); embedded: an in-process broker and the reference cloud ingest (development, one machine); mqtt://host:1883 or mqtts://host:8883: a real broker',
    }),
    protocolVersion: Type.Union([Type.Literal(5), Type.Literal(4)], {
      default: 5,
      description: 'MQTT 5 (default) or 3.1.1 (4) for brokers without 5; the embedded broker speaks 3.1.1',
    }),
    clientId: Type.Optional(
      Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$', description: 'MQTT client id; default tillside-<store.id>' }),
    ),
    username: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    passwordFile: Path('File holding the MQTT password (kept out of the config; mode 0600)'),
    tls: Type.Optional(
      Type.Object(
        {
          ca: Path("CA certificate (PEM) of the broker's certificate chain"),
          cert: Path('Client certificate (PEM), for brokers that authenticate stores by certificate'),
          key: Path("Client certificate's private key (PEM)"),
        },
        { additionalProperties: false, description: 'For mqtts:// brokers' },
      ),
    ),
    keepaliveSeconds: Type.Integer({ minimum: 5, maximum: 600, default: 30 }),
    embedded: Type.Object(
      {
        host: Type.String({ minLength: 1, default: '127.0.0.1' }),
        port: Type.Integer({
          minimum: 0,
          maximum: 65535,
          default: 1884,
          description: 'Embedded broker port (1883 is left to a real broker; 0 = any free port)',
        }),
        ingest: Type.Boolean({
          default: true,
          description: 'Run the reference cloud ingest in process too (its database: dataDir/cloud.db)',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    batch: Type.Object(
      {
        maxEvents: Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 }),
        maxBytes: Type.Integer({
          minimum: 4096,
          maximum: 4_194_304,
          default: 262_144,
          description: 'Upper bound of one batch message (a single larger event goes alone)',
        }),
        lingerMs: Type.Integer({
          minimum: 0,
          maximum: 5000,
          default: 5,
          description: 'How long a part-filled batch waits for more events',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    window: Type.Integer({
      minimum: 1,
      maximum: 256,
      default: 16,
      description: 'Batches sent and not yet acknowledged by the cloud',
    }),
    ackTimeoutMs: Type.Integer({
      minimum: 1000,
      maximum: 600_000,
      default: 20_000,
      description: 'No cloud ack for this long while batches are out: send again from the checkpoint',
    }),
    onlineCheckTimeoutMs: Type.Integer({
      minimum: 200,
      maximum: 30_000,
      default: 3000,
      description:
        "How long the till waits for the cloud's answer on a voucher that needs an online check; no answer = the voucher is refused as needing one",
    }),
    backlogAlarm: Type.Object(
      {
        events: Type.Integer({
          minimum: 1,
          default: 500_000,
          description: 'Alarm when this many events wait for the cloud',
        }),
        ageHours: Type.Number({
          minimum: 0.01,
          default: 24,
          description: 'Alarm when the oldest waiting event is older than this',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    reconnect: Type.Object(
      {
        initialMs: Type.Integer({ minimum: 10, maximum: 60_000, default: 1000 }),
        maxMs: Type.Integer({
          minimum: 100,
          maximum: 300_000,
          default: 15_000,
          description: 'The longest wait between tries: a store is back at most this long after its broker',
        }),
      },
      {
        additionalProperties: false,
        default: {},
        description:
          'Broker reconnect backoff (exponential, capped, full jitter so stores do not come back in lockstep)',
      },
    ),
  },
  { additionalProperties: false, default: {}, description: 'Cloud sync over MQTT; see docs/sync.md' },
)
export type SyncConfig = Static<typeof SyncSchema>
