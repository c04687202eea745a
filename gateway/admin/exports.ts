/**
 * Every table the back office exports, as the manager's spreadsheet should read it:
 * headers in the manager's language, times in the store's zone, names instead of ids,
 * money in units, phones masked. Rows stream in pages (ExportReads), yielding to the
 * event loop between pages so a year's export never stalls the till.
 */
import type { Lang } from '../../config/schema-parts.js'
import { t, wordsFor, type MessageKey } from '../i18n/messages.js'
import { maskPhone } from '../members/phone.js'
import { ExportReads, EXPORT_TABLES, type ExportTable, type Row } from '../store/read/export-reads.js'
import type { ReadSource } from '../store/read/read-source.js'
import { expiryMs } from '../vouchers/voucher-code.js'
import { BOM, csvLine, type Cell } from './csv.js'

export { EXPORT_TABLES, type ExportTable }

/** What the exports need to turn ids into names. */
export interface ExportNames {
  campaign(id: number): string
  store(id: string): string
  device(id: string): string
  cashier(id: string): string
  printer(id: string): string
  /** The member's phone in clear, or null (masked here before it is written). */
  phone(memberId: string): string | null
  consent(memberId: string, kind: 'marketing' | 'follow_store'): boolean | null
}

const PAGE = 1000

export const EXPORT_TITLES: Record<ExportTable, MessageKey> = {
  redemptions: 'admin.exportRedemptions',
  vouchers: 'admin.exportVouchers',
  sales: 'admin.exportSales',
  plays: 'admin.exportPlays',
  wifi: 'admin.exportWifi',
  members: 'admin.exportMembers',
  print: 'admin.exportPrint',
}

type Columns = { header: MessageKey; cell: (r: Row, n: ExportNames, lang: Lang) => Cell }[]

const str = (v: Row[string]) => (v === null ? null : String(v))
const num = (v: Row[string]) => (v === null ? null : Number(v))
const opt = <T>(v: Row[string], f: (s: string) => T) => (v === null ? null : f(String(v)))
const masked = (n: ExportNames, member: Row[string]) => opt(member, (m) => opt(n.phone(m), maskPhone))
const yesNo = (lang: Lang, v: boolean | null) => (v === null ? null : t(lang, v ? 'admin.yes' : 'admin.no'))

/** "2026-12-03 14:05:09" in the store's zone: Excel reads it as a date and time in any locale. */
function time(ms: Row[string]): Cell {
  if (ms === null) return null
  const d = new Date(Number(ms))
  const p = (x: number) => String(x).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
}

const COLUMNS: Record<ExportTable, Columns> = {
  redemptions: [
    { header: 'admin.col.time', cell: (r) => time(r.time!) },
    { header: 'admin.col.voucher', cell: (r) => str(r.voucher_key!) },
    { header: 'admin.col.campaign', cell: (r, n) => n.campaign(Number(r.campaign)) },
    { header: 'admin.col.store', cell: (r, n) => n.store(String(r.store)) },
    { header: 'admin.col.device', cell: (r, n) => opt(r.device!, n.device) },
    { header: 'admin.col.cashier', cell: (r, n) => opt(r.cashier!, n.cashier) },
    { header: 'admin.col.voidedAt', cell: (r) => time(r.voided_at!) },
    { header: 'admin.col.voidedBy', cell: (r, n) => opt(r.voided_by!, n.cashier) },
  ],
  vouchers: [
    { header: 'admin.col.time', cell: (r) => time(r.issued_at!) },
    { header: 'admin.col.voucher', cell: (r) => `${r.kid}:${r.campaign}:${r.serial}` },
    { header: 'admin.col.campaign', cell: (r, n) => n.campaign(Number(r.campaign)) },
    { header: 'admin.col.channel', cell: (r, _, l) => wordsFor(l, 'admin.channel', String(r.channel)) },
    { header: 'admin.col.device', cell: (r, n) => opt(r.device!, n.device) },
    { header: 'admin.col.member', cell: (r, n) => masked(n, r.member!) },
    { header: 'admin.col.expires', cell: (r) => time(expiryMs(Number(r.expires_hour))) },
  ],
  sales: [
    { header: 'admin.col.time', cell: (r) => time(r.time!) },
    { header: 'admin.col.pos', cell: (r) => str(r.pos!) },
    { header: 'admin.col.amount', cell: (r) => Number(r.amount) / 100 },
    { header: 'admin.col.currency', cell: (r) => str(r.currency!) },
    { header: 'admin.col.member', cell: (r, n) => masked(n, r.member!) },
  ],
  plays: [
    { header: 'admin.col.time', cell: (r) => time(r.time!) },
    { header: 'admin.col.draw', cell: (r) => `${r.day} #${r.draw}` },
    { header: 'admin.col.device', cell: (r, n) => opt(r.kiosk!, n.device) },
    { header: 'admin.col.prize', cell: (r, n) => n.campaign(Number(r.campaign)) },
    { header: 'admin.col.voucher', cell: (r) => `${r.kid}:${r.campaign}:${r.serial}` },
    { header: 'admin.col.member', cell: (r, n) => masked(n, r.member!) },
  ],
  wifi: [
    { header: 'admin.col.started', cell: (r) => time(r.started_at!) },
    { header: 'admin.col.ended', cell: (r) => time(r.ended_at!) },
    {
      header: 'admin.col.minutes',
      cell: (r) => (r.ended_at === null ? null : Math.round((Number(r.ended_at) - Number(r.started_at)) / 60_000)),
    },
    { header: 'admin.col.member', cell: (r, n) => masked(n, r.member!) },
  ],
  members: [
    { header: 'admin.col.joined', cell: (r) => time(r.created_at!) },
    { header: 'admin.col.member', cell: (r, n) => masked(n, r.id!) },
    { header: 'admin.consentMarketing', cell: (r, n, l) => yesNo(l, n.consent(String(r.id), 'marketing')) },
    { header: 'admin.consentFollow', cell: (r, n, l) => yesNo(l, n.consent(String(r.id), 'follow_store')) },
  ],
  print: [
    { header: 'admin.col.time', cell: (r) => time(r.created_at!) },
    { header: 'admin.col.printer', cell: (r, n) => n.printer(String(r.printer)) },
    { header: 'admin.jobKind', cell: (r, _, l) => wordsFor(l, 'admin.jobKinds', String(r.kind)) },
    { header: 'admin.jobState', cell: (r, _, l) => wordsFor(l, 'admin.job', String(r.state)) },
    { header: 'admin.col.attempts', cell: (r) => num(r.attempts!) },
    { header: 'admin.jobProblem', cell: (r) => str(r.last_error!) },
  ],
}

/** The export's file as CSV pieces: the BOM and header line first, then a piece per page of rows. */
export async function* exportCsv(
  source: ReadSource,
  table: ExportTable,
  names: ExportNames,
  lang: Lang,
  range: { from: number; to: number },
): AsyncGenerator<string> {
  const reads = new ExportReads(source)
  const cols = COLUMNS[table]
  const key = EXPORT_TABLES[table].key
  yield BOM + csvLine(cols.map((c) => t(lang, c.header)))
  let after: (string | number)[] | null = null
  for (;;) {
    const rows = reads.page(table, after, range.from, range.to, PAGE)
    if (rows.length === 0) return
    yield rows.map((r) => csvLine(cols.map((c) => c.cell(r, names, lang)))).join('')
    if (rows.length < PAGE) return
    const last = rows[rows.length - 1]!
    after = key.map((k) => last[k] as string | number)
    await new Promise((resolve) => setImmediate(resolve)) // the till's requests go first
  }
}
