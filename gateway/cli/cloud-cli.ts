/**
 * `tillside cloud --broker <url> [--db cloud.db] [--shared] [--id <clientId>] [--summary-every <s>]
 * [--session-expiry <s>] [auth]`: the reference cloud ingest as its own process, beside a
 * real broker. Several of them with --shared split the load (MQTT 5 shared subscription)
 * over one database. Every --summary-every seconds it sends issuing stores their vouchers
 * used at partners.
 * `tillside cloud send --broker <url> --store <id>[,<id>…] --type <command> --file <yaml|json>`:
 * sends one command (campaigns, revocations, trust-list, config-patch, message, …) to each
 * store named and prints each store's result; exit 0 when all applied it, 1 otherwise.
 * [auth] for mqtts:// brokers: --ca, --cert + --key, --username + --password-file.
 */
import { existsSync, readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import { createRootLogger, moduleLogger } from '../log.js'
import { MqttLink, SESSION_EXPIRY_SECONDS, type MqttLinkOptions } from '../../sync/mqtt-link.js'
import { Ingest, ingestSubscriptions } from '../../sync/ingest/ingest.js'
import { isPostgresUrl, openCloudDb } from './cloud-db-open.js'
import type { Server } from 'node:http'
import type { PgCloudDb } from '../../sync/ingest/pg/pg-cloud-db.js'
import { topics } from '../../sync/contract.js'
import { CommandSender } from '../../sync/ingest/command-sender.js'

export interface CloudArgs {
  /** `cloud send`: one command instead of running the ingest. */
  send?: boolean
  store?: string
  type?: string
  file?: string
  broker?: string
  /** A SQLite file, or postgres://… for a chain's cloud. */
  db?: string
  /** PostgreSQL: take batches from any store, enrolling it on sight (development). */
  anyStore?: boolean
  /** PostgreSQL: the zone the chain's days are counted in (set when the database is new). */
  timeZone?: string
  /** PostgreSQL: serve the reports as JSON on host:port. */
  http?: string
  /** The bearer token the reports listener asks for (required off loopback). */
  httpTokenFile?: string
  shared?: boolean
  id?: string
  /** Seconds between the pipe's departures sent to issuing stores. */
  summaryEvery?: string
  /** Seconds the broker keeps this worker's session while it is away. */
  sessionExpiry?: string
  /** mqtts:// and broker authentication, as a store's sync config has them. */
  ca?: string
  cert?: string
  key?: string
  username?: string
  passwordFile?: string
}

/** The broker connection settings shared by the ingest and `send`. */
function brokerAuth(args: CloudArgs): Pick<MqttLinkOptions, 'tls' | 'username' | 'passwordFile'> {
  const tls = args.ca || args.cert || args.key ? { ca: args.ca, cert: args.cert, key: args.key } : undefined
  return { tls, username: args.username, passwordFile: args.passwordFile }
}

function checkAuthFiles(args: CloudArgs): string | null {
  if (Boolean(args.cert) !== Boolean(args.key)) return '--cert and --key go together'
  for (const [flag, file] of [
    ['--ca', args.ca],
    ['--cert', args.cert],
    ['--key', args.key],
    ['--password-file', args.passwordFile],
  ] as const) {
    if (file !== undefined && !existsSync(file)) return `${flag} ${file}: no such file`
  }
  return null
}

export async function runCloud(args: CloudArgs): Promise<number> {
  if (!args.broker || !/^mqtts?:\/\/\S+$/.test(args.broker)) {
    process.stderr.write('tillside cloud: --broker mqtt://host:1883 (or mqtts://…) is required\n')
    return 2
  }
  if (args.id !== undefined && !/^[A-Za-z0-9_.-]{1,64}$/.test(args.id)) {
    process.stderr.write(`tillside cloud: --id ${args.id} is not a valid client id (letters, digits, _ . -)\n`)
    return 2
  }
  if (args.summaryEvery !== undefined && !/^[1-9]\d{0,5}$/.test(args.summaryEvery)) {
    process.stderr.write(`tillside cloud: --summary-every ${args.summaryEvery} must be whole seconds (1–999999)\n`)
    return 2
  }
  if (args.sessionExpiry !== undefined && !/^\d{1,7}$/.test(args.sessionExpiry)) {
    process.stderr.write(`tillside cloud: --session-expiry ${args.sessionExpiry} must be whole seconds (0–9999999)\n`)
    return 2
  }
  if (args.http !== undefined && !parseHostPort(args.http)) {
    process.stderr.write(`tillside cloud: --http ${args.http} must be host:port (e.g. 127.0.0.1:8090)\n`)
    return 2
  }
  if (args.http !== undefined && !(args.db && isPostgresUrl(args.db))) {
    process.stderr.write('tillside cloud: --http serves the reports of a PostgreSQL cloud: give --db postgres://…\n')
    return 2
  }
  if (args.http !== undefined && !args.httpTokenFile && !isLoopback(parseHostPort(args.http)!.host)) {
    process.stderr.write(
      `tillside cloud: --http ${args.http} is reachable from other machines: give --http-token-file (settlement figures are private)\n`,
    )
    return 2
  }
  if (args.httpTokenFile !== undefined && !existsSync(args.httpTokenFile)) {
    process.stderr.write(`tillside cloud: --http-token-file ${args.httpTokenFile}: no such file\n`)
    return 2
  }
  const authProblem = checkAuthFiles(args)
  if (authProblem) {
    process.stderr.write(`tillside cloud: ${authProblem}\n`)
    return 2
  }
  return args.send ? send(args, args.broker) : ingest(args, args.broker)
}

async function ingest(args: CloudArgs, broker: string): Promise<number> {
  const log = createRootLogger('info')
  const dbName = args.db ?? 'cloud.db'
  const db = await openCloudDb(
    dbName,
    { anyStore: args.anyStore, timeZone: args.timeZone },
    moduleLogger(log, 'cloud:db'),
  )
  if (typeof db === 'string') {
    process.stderr.write(`tillside cloud: ${db}\n`)
    return 1
  }
  let reports: Server | null = null
  if (args.http) {
    const { startReportHttp } = await import('../../sync/ingest/pg/report-http.js')
    const at = parseHostPort(args.http)!
    const token = args.httpTokenFile ? readFileSync(args.httpTokenFile, 'utf8').trim() : undefined
    try {
      reports = await startReportHttp(db as PgCloudDb, { ...at, token }, moduleLogger(log, 'cloud:reports'))
    } catch (err) {
      process.stderr.write(`tillside cloud: cannot serve the reports on ${args.http}: ${(err as Error).message}\n`)
      await db.close()
      return 1
    }
    log.info({ at: args.http }, 'reports served')
  }
  const shared = args.shared ?? false
  const link = new MqttLink(
    {
      url: broker,
      clientId: args.id ?? `tillside-ingest-${process.pid}`,
      protocolVersion: 5,
      keepaliveSeconds: 30,
      subscriptions: ingestSubscriptions(shared),
      // A handful of ingests, not thousands of stores: back within seconds of the broker.
      reconnect: { initialMs: 200, maxMs: 5_000 },
      sessionExpirySeconds: sessionExpiry(args, shared),
      ...brokerAuth(args),
    },
    moduleLogger(log, 'cloud:link'),
  )
  const summaryEveryMs = args.summaryEvery ? Number(args.summaryEvery) * 1000 : undefined
  const ingest = new Ingest(
    db,
    link,
    // PostgreSQL takes several transactions at once, over different stores.
    { shared, maxBatchBytes: 16 * 1024 * 1024, summaryEveryMs, flushes: db.kind === 'postgres' ? 4 : 1 },
    moduleLogger(log, 'cloud:ingest'),
  )
  link.start()
  log.info({ broker, db: isPostgresUrl(dbName) ? 'postgres' : dbName, shared }, 'cloud ingest running')
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await ingest.stop()
  await link.stop()
  reports?.close()
  log.info({ ...ingest.stats, stores: (await db.stores()).length }, 'cloud ingest stopped')
  await db.close()
  return 0
}

async function send(args: CloudArgs, broker: string): Promise<number> {
  if (!args.store || !args.type || !args.file) {
    process.stderr.write('tillside cloud send: --store <id> --type <command> --file <yaml|json> are required\n')
    return 2
  }
  let body: unknown
  try {
    body = parseYaml(readFileSync(args.file, 'utf8'))
  } catch (err) {
    process.stderr.write(`tillside cloud send: cannot read ${args.file}: ${(err as Error).message.split('\n')[0]}\n`)
    return 2
  }
  const stores = args.store.split(',').map((x) => x.trim())
  const log = createRootLogger('warn')
  const link = new MqttLink(
    {
      url: broker,
      clientId: `tillside-send-${process.pid}`,
      protocolVersion: 5,
      keepaliveSeconds: 30,
      subscriptions: stores.map((s) => topics.commandResult(s)),
      reconnect: { initialMs: 500, maxMs: 5000 },
      ...brokerAuth(args),
    },
    moduleLogger(log, 'cloud:link'),
  )
  const sender = new CommandSender(link, moduleLogger(log, 'cloud:send'))
  const up = new Promise<void>((resolve) => link.once('up', resolve))
  link.start()
  await up
  try {
    // One command id per store: each store's result is its own.
    const results = await Promise.all(
      stores.map((s) => sender.send(s, args.type!, body, stores.length === 1 ? args.id : undefined, 60_000)),
    )
    for (const r of results) process.stdout.write(`${JSON.stringify(r)}\n`)
    return results.every((r) => r.status === 'ok') ? 0 : 1
  } catch (err) {
    process.stderr.write(`tillside cloud send: ${(err as Error).message}\n`)
    return 1
  } finally {
    await link.stop()
  }
}

/**
 * A shared worker's session outlives it briefly: brokers (Mosquitto, EMQX) go on handing
 * an absent member of a shared subscription its turn of the stores' batches, queued for
 * it, until its session expires. A worker restarted within the minute finds them; one
 * that is gone for good stops holding every store up after a minute (the stores send
 * what was queued for it again). So does an ingest without --id: its next run has
 * another id and could never take its queue up. Alone under its --id: a store's week.
 */
export const SHORT_SESSION_EXPIRY_SECONDS = 60

export function sessionExpiry(args: CloudArgs, shared: boolean): number {
  if (args.sessionExpiry !== undefined) return Number(args.sessionExpiry)
  return shared || args.id === undefined ? SHORT_SESSION_EXPIRY_SECONDS : SESSION_EXPIRY_SECONDS
}

function parseHostPort(text: string): { host: string; port: number } | null {
  const m = /^(.+):(\d{1,5})$/.exec(text)
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) return null
  return { host: m[1]!.replace(/^\[(.*)\]$/, '$1'), port: Number(m[2]) }
}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\./.test(host)
