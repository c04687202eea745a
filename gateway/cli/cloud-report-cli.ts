/**
 * `tillside cloud report <name> --db postgres://… --from <day> --to <day> [--csv|--json]
 * [--store <id>] [--funder <merchant> --honourer <merchant>]`: prints one of the chain's
 * reports (sync/ingest/pg/reports.ts). `tillside cloud enroll --db postgres://… --store
 * <id>[,<id>…] [--merchant <id>] [--name <text>]`: lets stores' batches in.
 */
import { createRootLogger, moduleLogger } from '../log.js'
import type { PgCloudDb } from '../../sync/ingest/pg/pg-cloud-db.js'
import { isPostgresUrl, openCloudDb, redact } from './cloud-db-open.js'

export interface CloudReportArgs {
  db?: string
  from?: string
  to?: string
  store?: string
  funder?: string
  honourer?: string
  csv?: boolean
  json?: boolean
  merchant?: string
  name?: string
  timeZone?: string
}

const STORE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/

async function openPg(args: CloudReportArgs, what: string): Promise<PgCloudDb | null> {
  if (!args.db || !isPostgresUrl(args.db)) {
    process.stderr.write(
      `tillside cloud ${what}: --db postgres://… is required (reports and enrolment are a PostgreSQL cloud's)\n`,
    )
    return null
  }
  const db = await openCloudDb(args.db, { timeZone: args.timeZone }, moduleLogger(createRootLogger('warn'), 'cloud:db'))
  if (typeof db === 'string') {
    process.stderr.write(`tillside cloud ${what}: ${db}\n`)
    return null
  }
  return db as PgCloudDb
}

export async function runCloudReport(name: string | undefined, args: CloudReportArgs): Promise<number> {
  const { reportQuery } = await import('../../sync/ingest/pg/report-query.js')
  const q = reportQuery(name ?? '', args)
  if (typeof q === 'string') {
    process.stderr.write(`tillside cloud report: ${q}\n`)
    return 2
  }
  if (args.csv && args.json) {
    process.stderr.write('tillside cloud report: --csv or --json, not both\n')
    return 2
  }
  const db = await openPg(args, 'report')
  if (!db) return 1
  try {
    const { runReport } = await import('../../sync/ingest/pg/reports.js')
    const { toCsv, toJson, toText } = await import('../../sync/ingest/pg/report-format.js')
    const report = await runReport(db, q.name, q.query)
    process.stdout.write(
      args.csv ? toCsv(report) : args.json ? `${JSON.stringify(toJson(report), null, 2)}\n` : toText(report),
    )
    return 0
  } finally {
    await db.close()
  }
}

export async function runCloudEnroll(args: CloudReportArgs): Promise<number> {
  const stores = (args.store ?? '').split(',').map((s) => s.trim())
  const bad = stores.find((s) => !STORE.test(s))
  if (bad !== undefined) {
    process.stderr.write(
      `tillside cloud enroll: --store ${bad || '(empty)'} is not a store id (letters, digits, _ -)\n`,
    )
    return 2
  }
  const db = await openPg(args, 'enroll')
  if (!db) return 1
  try {
    await db.enroll(stores, args.merchant, args.name)
    process.stdout.write(`enrolled ${stores.join(', ')} in ${redact(args.db!)}\n`)
    return 0
  } finally {
    await db.close()
  }
}
