/**
 * GET /metrics: the gateway's figures in Prometheus text format (prom-client), on the
 * main listener only (guest addresses are refused there), with an optional bearer token
 * (metrics.tokenHash). Gauges are read when scraped, so nothing runs between scrapes
 * but the HTTP and commit histograms; labels are route patterns and device ids, never
 * URLs or codes, so the series stay few however long the gateway runs.
 */
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import { matchToken } from '../auth/secrets.js'

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

/** Not encapsulated (fastify-plugin): its onResponse hook times every route of the listener. */
export const metricsRoutes = fp(metrics, { name: 'tillside-metrics', fastify: '5.x' })

async function metrics(app: FastifyInstance): Promise<void> {
  const { config, journal, devices, print, sync, portal } = app.services
  if (!config.metrics.enabled) return
  const register = new Registry()
  collectDefaultMetrics({ register })
  const gauge = (name: string, help: string, labelNames: string[], collect: (g: Gauge) => void) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [register],
      collect() {
        this.reset()
        collect(this)
      },
    })

  const commitSeconds = new Histogram({
    name: 'tillside_journal_commit_seconds',
    help: "A journal batch's transaction in the writer, fsync included",
    buckets: SECONDS,
    registers: [register],
  })
  journal.observeCommits((ms) => commitSeconds.observe(ms / 1000))
  new Counter({
    name: 'tillside_journal_appended_events_total',
    help: 'Events committed to the journal since the gateway started',
    registers: [register],
    collect() {
      this.reset()
      this.inc(journal.getHealth().appendedSinceStart)
    },
  })
  gauge('tillside_journal_last_seq', 'The highest seq committed', [], (g) => g.set(journal.getHealth().lastSeq))
  gauge('tillside_journal_pending_events', 'Appends waiting for their commit', [], (g) =>
    g.set(journal.getHealth().pending),
  )
  gauge('tillside_journal_state', 'The journal writer (1 for its current state)', ['state'], (g) =>
    g.set({ state: journal.getHealth().state }, 1),
  )
  gauge('tillside_device_state', 'Each scanner and printer (1 for its current state)', ['device', 'state'], (g) => {
    for (const d of devices.status()) g.set({ device: d.id, state: d.state }, 1)
    for (const p of print.printers()) g.set({ device: p.id, state: p.state }, 1)
  })
  gauge('tillside_print_queue_jobs', 'Print jobs waiting per printer', ['printer'], (g) => {
    for (const p of print.printers()) g.set({ printer: p.id }, p.queued)
  })
  gauge('tillside_sync_state', 'The cloud link (1 for its current state)', ['state'], (g) =>
    g.set({ state: sync.status().state }, 1),
  )
  gauge('tillside_sync_backlog_events', 'Events the cloud has not acknowledged', [], (g) =>
    g.set(sync.status().backlog ?? 0),
  )
  gauge('tillside_sync_backlog_age_seconds', 'Age of the oldest event the cloud has not acknowledged', [], (g) =>
    g.set((sync.status().oldestWaitingMs ?? 0) / 1000),
  )
  if (portal)
    gauge('tillside_portal_sessions_open', 'Guests online on the store Wi-Fi', [], (g) =>
      g.set(portal.sessions.openCount),
    )

  const http = new Histogram({
    name: 'tillside_http_request_duration_seconds',
    help: 'HTTP requests on the main listener by route pattern',
    labelNames: ['method', 'route', 'status'],
    buckets: SECONDS,
    registers: [register],
  })
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched'
    http.observe(
      { method: req.method, route, status: `${Math.floor(reply.statusCode / 100)}xx` },
      reply.elapsedTime / 1000,
    )
  })

  const hash = config.metrics.tokenHash
  app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
    const header = req.headers.authorization ?? ''
    if (hash && matchToken(header.startsWith('Bearer ') ? header.slice(7) : '', [hash]) < 0)
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'unauthorized', message: 'a valid metrics token is required (Authorization: Bearer …)' })
    return reply.header('content-type', register.contentType).send(await register.metrics())
  })
}
