/** The sync checkpoint, moved by the cloud's acks (sync/relay.ts). */
import type { TxContext } from './tx-context.js'

export type AckResult =
  { advanced: true; acked: number } | { advanced: false; acked: number; reason: 'stale' | 'future' }

/**
 * Records that the cloud holds every event up to `seq`. Never moves back (a late,
 * lower ack is stale), never past the last seq this journal gave (a future ack is a
 * cloud bug or another store's ack: refused). Outbox rows up to `seq` are done.
 */
export function syncAckTx(tx: TxContext, a: { seq: number }): AckResult {
  const acked = tx.stmt('SELECT acked_seq FROM sync_state WHERE id = 1').pluck().get() as number
  if (a.seq <= acked) return { advanced: false, acked, reason: 'stale' }
  const last = tx.stmt('SELECT last_seq FROM journal_meta WHERE id = 1').pluck().get() as number
  if (a.seq > last) return { advanced: false, acked, reason: 'future' }
  tx.stmt('UPDATE sync_state SET acked_seq = ?, acked_at = ? WHERE id = 1').run(a.seq, tx.now)
  tx.stmt('DELETE FROM outbox WHERE seq <= ?').run(a.seq)
  return { advanced: true, acked: a.seq }
}

export interface CommandOutcome {
  id: string
  type: string
  status: 'ok' | 'rejected'
  reason: string | null
  detail: string | null
}

/** Records a cloud command's outcome once (journaled, and sent to the cloud like any event); a repeat returns the first. */
export function recordCommandTx(
  tx: TxContext,
  a: CommandOutcome,
): { recorded: boolean; outcome: CommandOutcome & { time: number } } {
  const prior = tx.stmt('SELECT id, type, status, reason, detail, time FROM commands WHERE id = ?').get(a.id) as
    (CommandOutcome & { time: number }) | undefined
  if (prior) return { recorded: false, outcome: prior }
  const ev = tx.append(`command.${a.status === 'ok' ? 'applied' : 'rejected'}`, null, { ...a }, { outbox: true })
  tx.stmt('INSERT INTO commands (id, type, status, reason, detail, time, event_seq) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    a.id,
    a.type,
    a.status,
    a.reason,
    a.detail,
    ev.time,
    ev.seq,
  )
  return { recorded: true, outcome: { ...a, time: ev.time } }
}

/** Keeps the cloud's count of the pipe's departures, unless the one kept is newer (commands may arrive late). */
export function savePipeSummaryTx(tx: TxContext, a: { at: number; body: string }): { saved: boolean } {
  const r = tx
    .stmt(
      'INSERT INTO pipe_summary (id, at, body) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at, body = excluded.body WHERE excluded.at > pipe_summary.at',
    )
    .run(a.at, a.body)
  return { saved: r.changes === 1 }
}

/**
 * Keeps the cloud's notice of a voucher used beyond its uses across stores, unless the one
 * kept is newer; a notice listing more uses than the kept one opens it again if handled.
 */
export function saveDoubleUseTx(
  tx: TxContext,
  a: { voucherKey: string; detectedAt: number; uses: number; body: string },
): { saved: boolean } {
  const r = tx
    .stmt(
      `INSERT INTO double_uses (voucher_key, detected_at, uses, body, received_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (voucher_key) DO UPDATE SET detected_at = excluded.detected_at, uses = excluded.uses,
         body = excluded.body, received_at = excluded.received_at,
         handled_at = CASE WHEN excluded.uses > double_uses.uses THEN NULL ELSE double_uses.handled_at END,
         handled_by = CASE WHEN excluded.uses > double_uses.uses THEN NULL ELSE double_uses.handled_by END
       WHERE excluded.detected_at > double_uses.detected_at`,
    )
    .run(a.voucherKey, a.detectedAt, a.uses, a.body, tx.now)
  return { saved: r.changes === 1 }
}

/**
 * A manager has dealt with a double use (talked to the partner, noted the loss): it leaves
 * the alarms, and the event tells the cloud who dealt with it.
 */
export function doubleUseHandledTx(tx: TxContext, a: { voucherKey: string; user: string }): { handled: boolean } {
  const r = tx
    .stmt('UPDATE double_uses SET handled_at = ?, handled_by = ? WHERE voucher_key = ? AND handled_at IS NULL')
    .run(tx.now, a.user, a.voucherKey)
  if (r.changes === 0) return { handled: false }
  tx.append('admin.double_use_handled', null, { voucherKey: a.voucherKey, user: a.user }, { outbox: true })
  return { handled: true }
}
