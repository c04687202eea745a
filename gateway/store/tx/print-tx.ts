/** Print-queue writes, run by the journal writer; every state change is conditional on the state it leaves. */
import type { TxContext } from './tx-context.js'

export interface EnqueueArgs {
  printer: string
  kind: string
  document: string
  requestKey: string | null
  reprintOf: string | null
  /** Who asked for a reprint (admin:<user>, pos:<name>). */
  by?: string
}
export type EnqueueResult = { jobId: string; repeated: boolean; state: string }

export function enqueuePrintTx(tx: TxContext, a: EnqueueArgs): EnqueueResult {
  if (a.requestKey !== null) {
    const prior = tx.stmt('SELECT id, state FROM print_jobs WHERE request_key = ?').get(a.requestKey) as
      { id: string; state: string } | undefined
    if (prior) return { jobId: prior.id, repeated: true, state: prior.state }
  }
  const ev = tx.append('print.queued', null, {
    printer: a.printer,
    kind: a.kind,
    requestKey: a.requestKey,
    reprintOf: a.reprintOf,
    ...(a.by === undefined ? {} : { by: a.by }),
  })
  tx.stmt(
    `INSERT INTO print_jobs (id, printer, position, kind, document, state, request_key, reprint_of, created_at)
     VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?)`,
  ).run(ev.id, a.printer, ev.seq, a.kind, a.document, a.requestKey, a.reprintOf, ev.time)
  return { jobId: ev.id, repeated: false, state: 'queued' }
}

export interface TransitionArgs {
  jobId: string
  from: 'queued' | 'printing' | 'interrupted'
  to: 'printing' | 'queued' | 'done' | 'failed' | 'cancelled' | 'interrupted'
  error: string | null
  /** Who did it, when a person did (a cancel). */
  by?: string
}

/** Moves a job on if (and only if) it is still in `from`; journaled except for the routine queued → printing. */
export function transitionPrintTx(tx: TxContext, a: TransitionArgs): { moved: boolean } {
  const finished =
    a.to === 'done' || a.to === 'failed' || a.to === 'cancelled' || a.to === 'interrupted' ? tx.now : null
  const r = tx
    .stmt(
      'UPDATE print_jobs SET state = ?, last_error = coalesce(?, last_error), attempts = attempts + ?, finished_at = ? WHERE id = ? AND state = ?',
    )
    .run(a.to, a.error, a.to === 'printing' ? 1 : 0, finished, a.jobId, a.from)
  if (r.changes === 1 && a.to !== 'printing')
    tx.append(`print.${a.to === 'queued' ? 'retry' : a.to}`, null, {
      jobId: a.jobId,
      error: a.error,
      ...(a.by === undefined ? {} : { by: a.by }),
    })
  return { moved: r.changes === 1 }
}

/** At start: jobs a crash left 'printing' become 'interrupted' (maybe on paper, maybe not). */
export function recoverPrintTx(tx: TxContext, a: { printer: string }): { interrupted: string[] } {
  const ids = tx
    .stmt(
      "UPDATE print_jobs SET state = 'interrupted', finished_at = ? WHERE printer = ? AND state = 'printing' RETURNING id",
    )
    .pluck()
    .all(tx.now, a.printer) as string[]
  for (const jobId of ids) tx.append('print.interrupted', null, { jobId, printer: a.printer })
  return { interrupted: ids }
}
