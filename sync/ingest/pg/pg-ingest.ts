/**
 * One ingest transaction over several stores' batches. First, without locks, stores none
 * of whose batches continues its mark have them parked (pg-parking.ts). The rest are
 * locked (`FOR UPDATE SKIP LOCKED`: one another worker is storing is set aside, not waited
 * for); of each store's batches — and of its parked ones — what continues its mark is
 * written in one INSERT of the batches' own JSON, then what the events mean (derived.ts)
 * set-wise, the roll-ups, the marks, and a NOTIFY of the stores that moved (delivered at
 * commit). A handful of round trips however many stores and events — that is what takes
 * a thousand trickling stores.
 */
import type pg from 'pg'
import { emptyResult, type IngestBatch, type IngestResult } from '../cloud-db.js'
import { deriveRows } from './event-rows.js'
import { Rollup } from './rollup.js'
import { clearParked, park, parkedOf } from './pg-parking.js'
import { writeDerived } from './derived.js'

export const PROGRESS_CHANNEL = 'tillside_progress'
/** NOTIFY payloads are limited to 8000 bytes: past this, "every store". */
const NOTIFY_MAX = 7_000

/** Of an accepted batch, the seqs it adds: lo…hi (the rest it repeats). */
export interface Accepted {
  batch: IngestBatch
  lo: number
  hi: number
}

interface Plan {
  result: IngestResult
  accepted: Accepted[]
  gaps: number
  departures: Set<string>
}

/** Per store, which batches continue its mark (and which of their seqs are new), which wait behind a hole. */
function plan(batches: IngestBatch[], marks: Map<string, number>): Map<string, Plan> {
  // Every locked store has a result, with batches or not (one asked to absorb may find none left).
  const plans = new Map<string, Plan>()
  for (const [store, contiguous] of marks) {
    const result = emptyResult(store, contiguous)
    plans.set(store, { result, accepted: [], gaps: 0, departures: new Set() })
  }
  const sorted = [...batches].sort((a, b) => a.events[0]!.seq - b.events[0]!.seq)
  for (const batch of sorted) {
    const p = plans.get(batch.store)!
    const r = p.result
    const first = batch.events[0]!.seq
    const last = batch.events.at(-1)!.seq
    if (r.held.length > 0 || first > r.contiguous + 1) {
      if (r.held.length === 0) p.gaps++
      r.held.push(batch)
      continue
    }
    // Seqs rise strictly within a batch (parseBatch), so what is new is its tail.
    let fresh = 0
    for (const e of batch.events) if (e.seq > r.contiguous) fresh++
    r.duplicates += batch.events.length - fresh
    if (fresh === 0) continue
    p.accepted.push({ batch, lo: r.contiguous + 1, hi: last })
    r.inserted += fresh
    r.contiguous = last
  }
  return plans
}

/**
 * @param merchants each store's merchant from its birth (the fallback for events that do not name one)
 * @param dayOf the chain's day of a time, for the roll-ups
 * @param worker this process's token in its NOTIFYs (it does not wake itself)
 * @param settle collects the vouchers to settle after COMMIT (derived.ts settleLateIssues)
 */
export async function ingestTx(
  client: pg.PoolClient,
  batches: IngestBatch[],
  absorb: string[],
  merchants: Map<string, string>,
  dayOf: (time: number) => number,
  worker: string,
  settle: string[] = [],
): Promise<IngestResult[]> {
  const now = Date.now()
  // First, without locks: a store none of whose batches (here or parked) continues its
  // mark is not locked at all — its batches are parked. Holding its row for nothing would
  // make the worker with the missing batch skip it, and wake nobody when done.
  const firsts = new Map<string, number>(absorb.map((s) => [s, Infinity]))
  for (const b of batches) firsts.set(b.store, Math.min(firsts.get(b.store) ?? Infinity, b.events[0]!.seq))
  const seen = await client.query<{ store: string; contiguous: number; parked: number | null }>(
    `SELECT s.store, s.contiguous,
       (SELECT min(h.first_seq) FROM held_batches h WHERE h.store = s.store AND h.last_seq > s.contiguous) AS parked
     FROM stores s WHERE s.store = ANY($1)`,
    [[...firsts.keys()]],
  )
  if (seen.rows.length < firsts.size) {
    const rows = new Set(seen.rows.map((r) => r.store))
    throw new Error(`stores without a row: ${[...firsts.keys()].filter((s) => !rows.has(s)).join(', ')}`)
  }
  const waiting = new Set(firsts.keys())
  for (const r of seen.rows)
    if (Math.min(firsts.get(r.store)!, r.parked ?? Infinity) <= Number(r.contiguous) + 1) waiting.delete(r.store)
  await park(
    client,
    batches.filter((b) => waiting.has(b.store)),
    now,
  )
  const seenMarks = new Map(seen.rows.map((r) => [r.store, Number(r.contiguous)]))
  const aside = [...waiting].map((store) => setAside(store, seenMarks.get(store) ?? 0, [], { parked: true }))
  const stores = [...firsts.keys()].filter((s) => !waiting.has(s)).sort()
  if (stores.length === 0) return aside
  await client.query('BEGIN')
  try {
    // A store another worker is storing right now is skipped, not waited for: waiting would
    // hold this whole transaction behind that one. Its batches go back; that commit's NOTIFY
    // offers them again.
    const locked = await client.query<{ store: string; contiguous: number }>(
      'SELECT store, contiguous FROM stores WHERE store = ANY($1) ORDER BY store FOR UPDATE SKIP LOCKED',
      [stores],
    )
    const marks = new Map(locked.rows.map((r) => [r.store, Number(r.contiguous)]))
    const busy = stores.filter((s) => !marks.has(s))
    const parked = await parkedOf(client, marks)
    const plans = plan([...batches.filter((b) => marks.has(b.store)), ...parked], marks)
    // What still waits behind a hole is parked (a batch parked already stays one row).
    const held = [...plans.values()].flatMap((p) => p.result.held)
    await park(client, held, now)
    for (const p of plans.values()) {
      p.result.parked = p.result.held.length > 0
      p.result.held = []
    }
    const accepted = [...plans.values()].flatMap((p) => p.accepted)
    const expected = [...plans.values()].reduce((n, p) => n + p.result.inserted, 0)
    if (expected > 0) {
      const inserted = await insertEvents(client, accepted, now)
      if (inserted !== expected)
        throw new Error(`stored ${inserted} of ${expected} events: a store's mark and its events disagree`)
      const rollup = new Rollup(dayOf)
      for (const a of accepted)
        for (const e of a.batch.events) if (e.seq >= a.lo) rollup.eventsStored(e.time, a.batch.store, 1)
      const derived = deriveRows(accepted, (s) => merchants.get(s) ?? null)
      const effects = await writeDerived(client, derived, rollup, now)
      await rollup.write(client)
      settle.push(...effects.settleKeys)
      for (const issuer of effects.departures) plans.get(issuer.redeemer)?.departures.add(issuer.issuer)
      for (const a of effects.alerts) plans.get(a.store)?.result.alerts.push({ kind: a.kind, detail: a.detail })
      for (const store of effects.cardCancelStores) {
        const p = plans.get(store)
        if (p) p.result.cardCancels = true
      }
    }
    const list = [...plans.values()]
    for (const p of list) p.result.departures = [...p.departures]
    await client.query(
      `UPDATE stores s SET contiguous = u.contiguous, received = s.received + u.inserted,
         duplicates = s.duplicates + u.duplicates, gaps = s.gaps + u.gaps,
         last_batch_at = CASE WHEN u.inserted > 0 THEN $6 ELSE s.last_batch_at END
       FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[])
         AS u(store, contiguous, inserted, duplicates, gaps)
       WHERE s.store = u.store`,
      [
        list.map((p) => p.result.store),
        list.map((p) => p.result.contiguous),
        list.map((p) => p.result.inserted),
        list.map((p) => p.result.duplicates),
        list.map((p) => p.gaps),
        now,
      ],
    )
    const moved = list.filter((p) => p.result.inserted > 0).map((p) => p.result.store)
    if (moved.length > 0) {
      const stores = moved.join(',')
      await client.query('SELECT pg_notify($1, $2)', [
        PROGRESS_CHANNEL,
        `${worker}|${stores.length > NOTIFY_MAX ? '*' : stores}`,
      ])
    }
    await clearParked(client, new Map(list.map((p) => [p.result.store, p.result.contiguous])))
    await client.query('COMMIT')
    const busyResults = busy.map((store) =>
      setAside(
        store,
        seenMarks.get(store) ?? 0,
        batches.filter((b) => b.store === store),
        { busy: true },
      ),
    )
    return [...list.map((p) => p.result), ...busyResults, ...aside]
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw err
  }
}

/**
 * All accepted batches' new events in one statement. The batches go as one JSON array of
 * the documents the stores sent (their text as it arrived: no re-encoding, no array
 * escaping), each with the seq range it adds; PostgreSQL unpacks them.
 */
async function insertEvents(client: pg.PoolClient, accepted: Accepted[], now: number): Promise<number> {
  let docs = '['
  for (const [i, a] of accepted.entries()) docs += (i === 0 ? '' : ',') + (a.batch.raw ?? JSON.stringify(a.batch))
  docs += ']'
  // json (not jsonb) operators parse their text on each call: each batch's events are taken
  // out once (MATERIALIZED), and its store comes as a parameter, not from the document.
  const r = await client.query(
    `WITH b AS MATERIALIZED (
       SELECT w.n, w.store, w.lo, w.hi, d.doc->'events' AS events
       FROM json_array_elements($1::json) WITH ORDINALITY AS d(doc, n)
       JOIN unnest($2::text[], $3::bigint[], $4::bigint[]) WITH ORDINALITY AS w(store, lo, hi, n) ON w.n = d.n)
     INSERT INTO events (store, seq, id, type, time, device, payload, received_at, arrival)
     SELECT b.store, e.seq, e.id, e.type, e.time, e.device, e.payload, $5, nextval('event_arrival')
     FROM b CROSS JOIN LATERAL ROWS FROM (json_to_recordset(b.events)
         AS (seq bigint, id text, type text, time bigint, device text, payload json))
       WITH ORDINALITY AS e(seq, id, type, time, device, payload, k)
     WHERE e.seq BETWEEN b.lo AND b.hi
     ORDER BY b.n, e.k
     ON CONFLICT DO NOTHING`,
    [docs, accepted.map((a) => a.batch.store), accepted.map((a) => a.lo), accepted.map((a) => a.hi), now],
  )
  return r.rowCount ?? 0
}

/**
 * A store left out of the transaction: its row was another's (`busy`: its batches are
 * offered again), or none of its batches continues its mark (they are `parked`).
 */
function setAside(
  store: string,
  contiguous: number,
  held: IngestBatch[],
  how: { busy?: true; parked?: true },
): IngestResult {
  return { ...emptyResult(store, contiguous), held, ...how }
}
