/**
 * Requests under an idempotency key, in the writer's transaction: the key is claimed by a
 * conditional INSERT in the same transaction as the writes it guards, so a retry that
 * races the original still writes once, and a retry gets the first answer.
 */
import type { TxContext } from './tx-context.js'

export type Idempotent<R> = { status: 'new'; response: R } | { status: 'repeat'; response: R } | { status: 'conflict' }

/** The first answer under `key`, `conflict` when the key came with a different request, null when new. */
export function replay<R>(tx: TxContext, key: string, requestHash: string): Idempotent<R> | null {
  const prior = tx.stmt('SELECT request_hash AS hash, response FROM idempotency WHERE key = ?').get(key) as
    { hash: string; response: string } | undefined
  if (!prior) return null
  return prior.hash === requestHash
    ? { status: 'repeat', response: JSON.parse(prior.response) as R }
    : { status: 'conflict' }
}

export function remember(tx: TxContext, key: string, requestHash: string, response: unknown): void {
  const claimed = tx
    .stmt('INSERT INTO idempotency (key, request_hash, response, time) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING')
    .run(key, requestHash, JSON.stringify(response), tx.now)
  if (claimed.changes !== 1) throw new Error(`idempotency key ${key} was claimed inside this transaction`)
}
