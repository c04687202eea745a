/** A report's query from command-line flags or URL parameters, with errors that name the parameter. */
import { REPORT_NAMES, type ReportName, type ReportQuery } from './reports.js'
import { ZoneDays } from './zone-days.js'

const STORE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
const MERCHANT = /^[^\u0000-\u001f]{1,64}$/
/** A year at most: the lists are paged, but a report is for a period people settle. */
const MAX_DAYS = 366

export interface ReportParams {
  from?: string
  to?: string
  store?: string
  funder?: string
  honourer?: string
}

export function isReportName(name: string): name is ReportName {
  return (REPORT_NAMES as readonly string[]).includes(name)
}

/** The query, or the sentence saying what is wrong. */
export function reportQuery(name: string, p: ReportParams): { name: ReportName; query: ReportQuery } | string {
  if (!isReportName(name)) return `no report "${name}" (reports: ${REPORT_NAMES.join(', ')})`
  if (!p.from || !p.to) return 'from and to are required: the first and last day, YYYY-MM-DD'
  const from = ZoneDays.parseDate(p.from)
  const to = ZoneDays.parseDate(p.to)
  if (from === null) return `from ${p.from} is not a date (YYYY-MM-DD)`
  if (to === null) return `to ${p.to} is not a date (YYYY-MM-DD)`
  if (to < from) return `to ${p.to} is before from ${p.from}`
  if (to - from + 1 > MAX_DAYS) return `from ${p.from} to ${p.to} is more than ${MAX_DAYS} days`
  if (p.store !== undefined && !STORE.test(p.store)) return `store ${p.store} is not a store id`
  for (const [key, v] of [
    ['funder', p.funder],
    ['honourer', p.honourer],
  ] as const)
    if (v !== undefined && !MERCHANT.test(v)) return `${key} must be a merchant id (1–64 characters)`
  if ((p.funder === undefined) !== (p.honourer === undefined))
    return 'funder and honourer go together (one merchant pair’s statement)'
  if (p.funder !== undefined && name !== 'settlement') return 'funder and honourer are for the settlement report'
  if (p.store !== undefined && name !== 'vouchers') return 'store is for the vouchers report'
  return { name, query: { from, to, store: p.store, funder: p.funder, honourer: p.honourer } }
}
