/** Reads a journal's hourly rollups beside a full recount of its events (they must be equal). */
import Database from 'better-sqlite3'
import { countSql } from '../../gateway/store/rollups.js'

type Row = { hour: number; metric: string; key: string; count: number; amount: number }

/** The rollup table, and the same counts made from `events` in one pass. */
export function rollupsAndRecount(file: string): { kept: Row[]; recount: Row[] } {
  const db = new Database(file, { readonly: true })
  try {
    const last = db.prepare('SELECT last_seq FROM journal_meta').pluck().get() as number
    const order = (rows: Row[]) =>
      rows.sort((a, b) => a.hour - b.hour || a.metric.localeCompare(b.metric) || a.key.localeCompare(b.key))
    return {
      kept: order(db.prepare('SELECT hour, metric, key, count, amount FROM rollup_hourly').all() as Row[]),
      recount: order(db.prepare(countSql(false)).all(1, last) as Row[]),
    }
  } finally {
    db.close()
  }
}
