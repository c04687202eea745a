/** `/healthz` (for systemd/monitoring) and `/api/status` (for people and the admin page). */
import { Type, type Static } from '@sinclair/typebox'
import fp from 'fastify-plugin'
import { getHeapStatistics } from 'node:v8'
import { ErrorBody } from './error-schema.js'
import { Nullable, StringEnum } from './schema-types.js'
import { PrinterStatus } from './print-routes.js'

const Health = Type.Object({ status: StringEnum(['ok', 'unavailable']), journal: Type.String() })

const DeviceStatusBody = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  role: Type.String(),
  name: Nullable(Type.String()),
  transport: Type.String(),
  state: Type.String(),
  reason: Nullable(Type.String()),
  detail: Nullable(Type.String()),
  since: Type.String(),
  nextRetryAt: Nullable(Type.String()),
  scans: Type.Integer(),
  rejected: Type.Integer(),
  lastScanAt: Nullable(Type.String()),
  lastRejected: Type.Union([
    Type.Object({ reason: Type.String(), detail: Type.String(), at: Type.String() }),
    Type.Null(),
  ]),
})

const StatusBody = Type.Object({
  store: Type.Object({ id: Type.String(), name: Type.String() }),
  version: Type.String(),
  startedAt: Type.String(),
  uptimeSeconds: Type.Number(),
  journal: Type.Object({
    state: Type.String(),
    lastSeq: Type.Integer(),
    appendedSinceStart: Type.Integer(),
    commits: Type.Integer(),
    largestBatch: Type.Integer(),
    pending: Type.Integer(),
    lastCommitMs: Nullable(Type.Number()),
    integrity: Nullable(
      Type.String({
        description:
          "The last full integrity check's result ('ok' or SQLite's problems); null before the first, which runs in the background after start",
      }),
    ),
    integrityCheckedAt: Nullable(Type.String()),
    integrityAlarm: Nullable(Type.String()),
    lastError: Nullable(Type.Object({ code: Type.String(), message: Type.String(), at: Type.String() })),
  }),
  devices: Type.Array(DeviceStatusBody),
  printers: Type.Array(PrinterStatus),
  sync: Type.Object({
    broker: Type.String(),
    state: StringEnum(['disabled', 'connecting', 'online', 'offline']),
    since: Type.String(),
    connects: Type.Integer(),
    alarm: Nullable(Type.String()),
    acked: Type.Optional(Type.Integer({ description: 'highest seq the cloud acknowledged' })),
    lastSeq: Type.Optional(Type.Integer()),
    sent: Type.Optional(Type.Integer()),
    backlog: Type.Optional(Type.Integer({ description: 'events waiting for the cloud' })),
    oldestWaitingMs: Type.Optional(Nullable(Type.Integer())),
    batchesOut: Type.Optional(Type.Integer()),
    resends: Type.Optional(Type.Integer()),
    refusedAcks: Type.Optional(Type.Integer()),
  }),
  kiosk: Type.Object({
    alarms: Type.Array(
      Type.Object({
        kiosk: Type.String(),
        action: StringEnum(['identify', 'play']),
        limit: Type.String(),
        at: Type.Integer(),
      }),
      { description: 'Kiosks over a rate limit in the last hour (a script may be draining the prizes)' },
    ),
  }),
  memory: Type.Object(
    {
      rssBytes: Type.Integer(),
      heapUsedBytes: Type.Integer(),
      heapCommittedBytes: Type.Integer(),
      heapLimitBytes: Type.Integer(),
      externalBytes: Type.Integer(),
    },
    {
      description:
        "The gateway process's memory: resident set, V8 heap in use, committed (in use plus what V8 keeps reserved) and its ceiling (--max-old-space-size), memory V8 objects hold outside the heap (Buffers)",
    },
  ),
})
export type StatusBody = Static<typeof StatusBody>

export const healthRoutes = fp(
  async (app) => {
    app.get('/healthz', { schema: { response: { 200: Health, 503: Health } } }, async (_req, reply) => {
      const journal = app.services.journal.getHealth().state
      const ok = journal === 'ok' || journal === 'degraded'
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', journal })
    })

    app.get(
      '/api/status',
      { schema: { response: { 200: StatusBody, 500: ErrorBody } } },
      async (): Promise<StatusBody> => {
        const { config, journal, integrity, devices, scans, startedAt, version, print, sync, kiosk } = app.services
        const check = integrity.status()
        const heap = getHeapStatistics()
        return {
          store: { id: config.store.id, name: config.store.name },
          version,
          startedAt: startedAt.toISOString(),
          uptimeSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
          journal: {
            ...journal.getHealth(),
            integrity: check.result,
            integrityCheckedAt: check.checkedAt,
            integrityAlarm: check.alarm,
          },
          devices: devices.status().map((d) => ({ ...d, ...scans.stats(d.id) })),
          printers: print.printers(),
          sync: sync.status(),
          kiosk: { alarms: kiosk.limits.recent() },
          memory: {
            rssBytes: process.memoryUsage.rss(),
            heapUsedBytes: heap.used_heap_size,
            heapCommittedBytes: heap.total_heap_size,
            heapLimitBytes: heap.heap_size_limit,
            externalBytes: heap.external_memory,
          },
        }
      },
    )
  },
  { name: 'health-routes', dependencies: ['tillside-services'] },
)
