/**
 * Hourly rollups (issue #16): per UTC hour, how many events of each kind — and for
 * money, how much — keyed by what the back office groups them by (campaign, partner
 * store, channel, currency). Kept by the journal's writer in the same transaction that
 * appends the events, so the console never scans `events`, a crash never leaves the two
 * apart, and an hour's figure is final the moment its events commit.
 *
 * One table drives both ways of counting: `RollupBatch` adds appended events as they are
 * written, `catchUpSql` counts stored events in SQL (the migration's backfill, and the
 * recount tests compare the two). journal_meta.rollup_seq is the last seq counted.
 */
import type { EventType } from './event-contract.js'

export interface RollupDef {
  metric: string
  /** Payload fields joined with ':' into the row's key ('' when none). */
  key: readonly string[]
  /** A payload path (dots for nesting) summed into `amount` (minor units). */
  amount?: string
}

/** Which events roll up, under which metric. Scans have no key: the writer never parses their payload. */
export const ROLLUPS: Partial<Record<EventType, RollupDef>> = {
  scan: { metric: 'scans', key: [] },
  'portal.session_started': { metric: 'wifi_joins', key: [] },
  'member.created': { metric: 'members_new', key: ['channel'] },
  'kiosk.played': { metric: 'plays', key: ['campaign'] },
  'voucher.issued': { metric: 'issued', key: ['campaign', 'channel'] },
  'voucher.redeemed': { metric: 'redeemed', key: ['campaign', 'issuerStore'], amount: 'value.amount' },
  'voucher.voided': { metric: 'voided', key: [] },
  'voucher.rejected': { metric: 'rejected', key: ['reason'] },
  'pos.sale': { metric: 'sales', key: ['currency'], amount: 'amount' },
  'payment.paid': { metric: 'payments', key: ['provider', 'currency'], amount: 'amount' },
  'card.topped_up': { metric: 'card_topups', key: ['currency'], amount: 'amount' },
  'card.debited': { metric: 'card_spent', key: ['currency'], amount: 'amount' },
  'card.remote_debited': { metric: 'chain_card_spent', key: ['currency', 'homeStore'], amount: 'amount' },
}

export const HOUR_MS = 3_600_000

type Payload = Record<string, unknown>
const field = (p: Payload, path: string): unknown =>
  path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Payload)[k] : undefined), p)
const text = (v: unknown) => (v === undefined || v === null ? '' : String(v))

/** One batch's counts, added to the table once per (hour, metric, key) at commit. */
type Row = [hour: number, metric: string, key: string, count: number, amount: number]

export class RollupBatch {
  private readonly rows = new Map<string, Row>()
  /** The last keyless row touched: a batch is mostly scans of one hour, so most adds are one compare. */
  private last: { type: string; hour: number; row: Row } | null = null

  /** `payload` as written: an object, or the JSON text of a plain append (parsed only when a key or amount needs it). */
  add(type: string, time: number, payload: Payload | string): void {
    const hour = Math.floor(time / HOUR_MS)
    const last = this.last
    if (last !== null && last.type === type && last.hour === hour) {
      last.row[3]++
      return
    }
    const def = ROLLUPS[type as EventType]
    if (!def) return
    const p =
      def.key.length || def.amount ? (typeof payload === 'string' ? (JSON.parse(payload) as Payload) : payload) : {}
    const key = def.key.map((f) => text(field(p, f))).join(':')
    const amount = def.amount ? Number(field(p, def.amount) ?? 0) || 0 : 0
    const id = `${hour}\t${def.metric}\t${key}`
    let row = this.rows.get(id)
    if (row) {
      row[3]++
      row[4] += amount
    } else this.rows.set(id, (row = [hour, def.metric, key, 1, amount]))
    this.last = def.key.length === 0 && !def.amount ? { type, hour, row } : null
  }

  /** Adds another batch's counts (a command's, once it did not roll back). */
  merge(other: RollupBatch): void {
    for (const [id, [hour, metric, key, count, amount]] of other.rows) {
      const row = this.rows.get(id)
      if (row) {
        row[3] += count
        row[4] += amount
      } else this.rows.set(id, [hour, metric, key, count, amount])
    }
  }

  get size(): number {
    return this.rows.size
  }

  /** Writes the counts with `upsert` (UPSERT_SQL) and empties the batch. */
  flush(upsert: { run(...args: (string | number)[]): unknown }): void {
    for (const row of this.rows.values()) upsert.run(...row)
    this.rows.clear()
    this.last = null
  }
}

export const UPSERT_SQL = `INSERT INTO rollup_hourly (hour, metric, key, count, amount) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (hour, metric, key) DO UPDATE SET count = count + excluded.count, amount = amount + excluded.amount`

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`
const json = (path: string) => `json_extract(payload, ${sqlString(`$.${path}`)})`

/** The same counts in SQL, over events with seq in [?, ?], one pass; `into` adds them to the table. */
export function countSql(into: boolean): string {
  const types = Object.keys(ROLLUPS) as EventType[]
  const when = (f: (d: RollupDef) => string) =>
    `CASE type ${types.map((t) => `WHEN ${sqlString(t)} THEN ${f(ROLLUPS[t]!)}`).join(' ')} END`
  const key = when((d) => (d.key.length ? d.key.map((k) => `coalesce(${json(k)}, '')`).join(` || ':' || `) : `''`))
  const amount = when((d) => (d.amount ? `coalesce(${json(d.amount)}, 0)` : '0'))
  const select = `SELECT time / ${HOUR_MS} AS hour, ${when((d) => sqlString(d.metric))} AS metric, ${key} AS key,
    count(*) AS count, sum(${amount}) AS amount
    FROM events WHERE seq BETWEEN ? AND ? AND type IN (${types.map(sqlString).join(', ')})
    GROUP BY 1, 2, 3`
  return into
    ? `INSERT INTO rollup_hourly (hour, metric, key, count, amount) ${select}
       ON CONFLICT (hour, metric, key) DO UPDATE SET count = count + excluded.count, amount = amount + excluded.amount`
    : select
}
