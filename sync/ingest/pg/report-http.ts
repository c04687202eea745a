/**
 * The reports as JSON (or CSV) over HTTP, for a chain dashboard: `tillside cloud --http
 * <host:port>`. GET /reports lists them; GET /reports/<name>?from=&to=[&store=][&funder=
 * &honourer=][&format=csv] runs one. Read-only. Settlement figures are the chain's
 * business: off loopback it needs a bearer token (--http-token-file), and the process
 * refuses to listen on another address without one.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { timingSafeEqual } from 'node:crypto'
import type { Logger } from '../../../gateway/log.js'
import type { PgCloudDb } from './pg-cloud-db.js'
import { REPORT_NAMES, runReport } from './reports.js'
import { reportQuery } from './report-query.js'
import { toCsv, toJson } from './report-format.js'

export interface ReportHttpOptions {
  host: string
  port: number
  token?: string
}

export async function startReportHttp(db: PgCloudDb, opts: ReportHttpOptions, log: Logger): Promise<Server> {
  const server = createServer((req, res) => {
    handle(db, opts, req, res).catch((err: Error) => {
      log.error({ err: err.message, url: req.url }, 'report failed')
      if (!res.headersSent)
        send(res, 500, { error: 'report_failed', detail: 'the report could not be made; see the log' })
    })
  })
  server.requestTimeout = 60_000
  server.headersTimeout = 10_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, opts.host, () => resolve())
  })
  return server
}

function send(res: ServerResponse, status: number, body: object | string, type = 'application/json'): void {
  res.writeHead(status, {
    'content-type': `${type}; charset=utf-8`,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  })
  res.end(typeof body === 'string' ? body : JSON.stringify(body))
}

function authorised(req: IncomingMessage, token: string | undefined): boolean {
  if (token === undefined) return true
  const given = Buffer.from(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '')
  const want = Buffer.from(token)
  return given.length === want.length && timingSafeEqual(given, want)
}

async function handle(db: PgCloudDb, opts: ReportHttpOptions, req: IncomingMessage, res: ServerResponse) {
  if (req.method !== 'GET') return send(res, 405, { error: 'method_not_allowed', detail: 'reports are read with GET' })
  if (!authorised(req, opts.token)) return send(res, 401, { error: 'unauthorised', detail: 'a bearer token is needed' })
  const url = new URL(req.url ?? '/', 'http://reports')
  if (url.pathname === '/reports') return send(res, 200, { reports: REPORT_NAMES })
  const m = /^\/reports\/([a-z-]+)$/.exec(url.pathname)
  if (!m) return send(res, 404, { error: 'not_found', detail: 'GET /reports or /reports/<name>' })
  const p = Object.fromEntries(url.searchParams)
  const q = reportQuery(m[1]!, p)
  if (typeof q === 'string')
    return send(res, m[1] && !REPORT_NAMES.includes(m[1] as never) ? 404 : 400, { error: 'bad_request', detail: q })
  const report = await runReport(db, q.name, q.query)
  if (p.format === 'csv') return send(res, 200, toCsv(report), 'text/csv')
  return send(res, 200, toJson(report))
}
