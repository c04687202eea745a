/**
 * Batches that arrive ahead of a hole are parked in the database (held_batches), not held
 * in a worker's memory: with several workers on a round-robin subscription the batch
 * before it is often at the other worker, and whichever transaction moves the store's mark
 * takes the parked batches that now follow on in the same go — so a store's backlog
 * split over two workers is stored in long runs, not one batch per transaction. A parked
 * batch is its document as the store sent it; rows the mark has passed are deleted.
 */
import type pg from 'pg'
import { parseBatch } from '../../contract.js'
import type { IngestBatch } from '../cloud-db.js'

/** Parks batches (idempotent: the same batch parked twice is one row). */
export async function park(client: pg.PoolClient, batches: IngestBatch[], now: number): Promise<void> {
  if (batches.length === 0) return
  await client.query(
    `INSERT INTO held_batches (store, first_seq, last_seq, doc, at)
     SELECT *, $5 FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[]) ON CONFLICT DO NOTHING`,
    [
      batches.map((b) => b.store),
      batches.map((b) => b.events[0]!.seq),
      batches.map((b) => b.events.at(-1)!.seq),
      batches.map((b) => b.raw ?? JSON.stringify(b)),
      now,
    ],
  )
}

/** The parked batches of these (locked) stores that the mark has not passed, in seq order. */
export async function parkedOf(client: pg.PoolClient, marks: Map<string, number>): Promise<IngestBatch[]> {
  if (marks.size === 0) return []
  const r = await client.query<{ doc: string }>(
    `SELECT h.doc FROM held_batches h JOIN unnest($1::text[], $2::bigint[]) AS m(store, mark) ON h.store = m.store
     WHERE h.last_seq > m.mark ORDER BY h.store, h.first_seq`,
    [[...marks.keys()], [...marks.values()]],
  )
  // Parsed as when they arrived: they were checked then, and are the same text.
  return r.rows.map((row) => Object.assign(parseBatch(row.doc, Infinity), { raw: row.doc }))
}

/** Parked rows the stores' new marks have passed. */
export async function clearParked(client: pg.PoolClient, marks: Map<string, number>): Promise<void> {
  await client.query(
    `DELETE FROM held_batches h USING unnest($1::text[], $2::bigint[]) AS m(store, mark)
     WHERE h.store = m.store AND h.last_seq <= m.mark`,
    [[...marks.keys()], [...marks.values()]],
  )
}
