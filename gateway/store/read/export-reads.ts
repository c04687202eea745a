/**
 * The back office's CSV exports read each table in pages along its primary key (keyset
 * paging: every page is an index seek, so a year's rows stream without one long read
 * or a sort), between two times.
 */
import type { ReadSource } from './read-source.js'

export interface TableSpec {
  /** SQL table name and the columns read (fixed here, never from a request). */
  table: string
  columns: string
  /** The primary key's columns, in order: pages follow it. */
  key: readonly string[]
  /** The column holding the row's time (ms). */
  time: string
}

export const EXPORT_TABLES = {
  redemptions: {
    table: 'redemptions',
    columns: 'id, time, voucher_key, campaign, store, device, cashier, voided_at, voided_by',
    key: ['id'],
    time: 'time',
  },
  vouchers: {
    table: 'vouchers_issued',
    columns: 'kid, campaign, serial, issued_at, expires_hour, channel, device, member',
    key: ['kid', 'campaign', 'serial'],
    time: 'issued_at',
  },
  sales: {
    table: 'sales',
    columns: 'id, time, pos, amount, currency, member',
    key: ['id'],
    time: 'time',
  },
  plays: {
    table: 'kiosk_plays',
    columns: 'day, draw, time, kiosk, member, prize_id, campaign, kid, serial',
    key: ['day', 'draw'],
    time: 'time',
  },
  wifi: {
    table: 'portal_sessions',
    columns: 'id, started_at, ended_at, end_reason, member, controller',
    key: ['id'],
    time: 'started_at',
  },
  members: {
    table: 'members',
    columns: 'id, created_at',
    key: ['id'],
    time: 'created_at',
  },
  print: {
    table: 'print_jobs',
    columns: 'id, created_at, printer, kind, state, attempts, last_error, reprint_of',
    key: ['id'],
    time: 'created_at',
  },
} as const satisfies Record<string, TableSpec>

export type ExportTable = keyof typeof EXPORT_TABLES
export type Row = Record<string, string | number | null>

export class ExportReads {
  constructor(private readonly db: ReadSource) {}

  /** Up to `limit` rows with from ≤ time < to after the key `after` (null: from the start), in key order. */
  page(name: ExportTable, after: readonly (string | number)[] | null, from: number, to: number, limit: number): Row[] {
    const s: TableSpec = EXPORT_TABLES[name]
    const key = `(${s.key.join(', ')})`
    const seek = after === null ? '' : `${key} > (${s.key.map(() => '?').join(', ')}) AND `
    const sql = `SELECT ${s.columns} FROM ${s.table} WHERE ${seek}${s.time} >= ? AND ${s.time} < ? ORDER BY ${s.key.join(', ')} LIMIT ?`
    return this.db.query(sql).all(...(after ?? []), from, to, limit) as Row[]
  }
}
