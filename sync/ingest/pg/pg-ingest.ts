/**
 * One ingest transaction over several stores' batches: lock the stores' rows (in name
 * order, so two workers never deadlock), keep of each store's batches what continues its
 * contiguous mark, write all their events in one multi-row INSERT (arrays unnested), then
 * what the events mean (derived.ts) set-wise, move the marks, and tell the other workers
 * which stores moved (NOTIFY, delivered at commit). A handful of round trips however many
 * stores and events — that is what takes a thousand trickling stores.
 */
import type pg from 'pg'
import type { EventBatch } from '../../contract.js'
import type { IngestResult } from '../cloud-db.js'
import { deriveRows, type StoredEvent } from './event-rows.js'
import { Rollup } from './rollup.js'
import { writeDerived } from './derived.js'

export const PROGRESS_CHANNEL = 'tillside_progress'
/** NOTIFY payloads are limited to 8000 bytes: past this, "every store". */
const NOTIFY_MAX = 7_000

interface Plan {
  result: IngestResult
  events: StoredEvent[]
  gaps: number
  departures: Set<string>
}

/** Per store, which batches continue its mark (events past it kept), which wait behind a hole. */
function plan(batches: EventBatch[], marks: Map<string, number>): Map<string, Plan> {
  const plans = new Map<string, Plan>()
  const sorted = [...batches].sort((a, b) => a.events[0]!.seq - b.events[0]!.seq)
  for (const batch of sorted) {
    let p = plans.get(batch.store)
    if (!p) {
      const result: IngestResult = {
        store: batch.store,
        contiguous: marks.get(batch.store) ?? 0,
        inserted: 0,
        duplicates: 0,
        departures: [],
        held: [],
        alerts: [],
        cardCancels: false,
      }
      p = { result, events: [], gaps: 0, departures: new Set() }
      plans.set(batch.store, p)
    }
    const r = p.result
    if (r.held.length > 0 || batch.events[0]!.seq > r.contiguous + 1) {
      if (r.held.length === 0) p.gaps++
      r.held.push(batch)
      continue
    }
    for (const e of batch.events) {
      if (e.seq <= r.contiguous) {
        r.duplicates++
        continue
      }
      p.events.push({ ...e, store: batch.store })
      r.contiguous = e.seq
      r.inserted++
    }
  }
  return plans
}

/**
 * @param merchants each store's merchant from its birth (the fallback for events that do not name one)
 * @param dayOf the chain's day of a time, for the roll-ups
 */
export async function ingestTx(
  client: pg.PoolClient,
  batches: EventBatch[],
  merchants: Map<string, string>,
  dayOf: (time: number) => number,
): Promise<IngestResult[]> {
  const stores = [...new Set(batches.map((b) => b.store))].sort()
  await client.query('BEGIN')
  try {
    const locked = await client.query<{ store: string; contiguous: number }>(
      'SELECT store, contiguous FROM stores WHERE store = ANY($1) ORDER BY store FOR UPDATE',
      [stores],
    )
    const marks = new Map(locked.rows.map((r) => [r.store, Number(r.contiguous)]))
    for (const s of stores) if (!marks.has(s)) throw new Error(`store ${s} has no row: enrol it first`)
    const plans = plan(batches, marks)
    const events = [...plans.values()].flatMap((p) => p.events)
    const now = Date.now()
    if (events.length > 0) {
      const inserted = await insertEvents(client, events, now)
      if (inserted !== events.length)
        throw new Error(`stored ${inserted} of ${events.length} events: a store's mark and its events disagree`)
      const rollup = new Rollup(dayOf)
      for (const e of events) rollup.eventsStored(e.time, e.store, 1)
      const derived = deriveRows(events, (s) => merchants.get(s) ?? null)
      const effects = await writeDerived(client, derived, rollup, now)
      await rollup.write(client)
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
      const payload = moved.join(',')
      await client.query('SELECT pg_notify($1, $2)', [PROGRESS_CHANNEL, payload.length > NOTIFY_MAX ? '*' : payload])
    }
    await client.query('COMMIT')
    return list.map((p) => p.result)
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw err
  }
}

async function insertEvents(client: pg.PoolClient, events: StoredEvent[], now: number): Promise<number> {
  const r = await client.query(
    `INSERT INTO events (store, seq, id, type, time, device, payload, received_at, arrival)
     SELECT e.store, e.seq, e.id, e.type, e.time, e.device, e.payload::json, $8, nextval('event_arrival')
     FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[])
       WITH ORDINALITY AS e(store, seq, id, type, time, device, payload, n)
     ORDER BY e.n
     ON CONFLICT DO NOTHING`,
    [
      events.map((e) => e.store),
      events.map((e) => e.seq),
      events.map((e) => e.id),
      events.map((e) => e.type),
      events.map((e) => e.time),
      events.map((e) => e.device),
      events.map((e) => JSON.stringify(e.payload ?? null)),
      now,
    ],
  )
  return r.rowCount ?? 0
}
