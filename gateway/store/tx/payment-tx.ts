/**
 * Payment-code charges, run by the journal writer (gateway/payments/charge-protocol.ts
 * drives them): the attempt is written — with its event — before the provider is asked,
 * and every change of state after is a conditional UPDATE with its event in the same
 * transaction, so a restart finds each charge where it was and no state is left twice.
 */
import type { TxContext } from './tx-context.js'

/** The charge of a member-card top-up is made under `<actor>:card-topup:<key>` (cards/card-service.ts). */
export const CARD_TOPUP_KEY = 'card-topup:'
export const isCardTopUp = (reference: string): boolean => reference.includes(`:${CARD_TOPUP_KEY}`)

export type AttemptState = 'charging' | 'paid' | 'declined' | 'reversing' | 'reversed'

export interface Attempt {
  reference: string
  requestHash: string
  device: string | null
  provider: string
  wallet: string
  maskedCode: string
  amount: number
  currency: string
  state: AttemptState
  /** The customer was asked to confirm on the phone. */
  pending: boolean
  transactionId: string | null
  detail: string
  startedAt: number
  deadline: number
  /** The seq of the latest step's event. */
  seq: number
}

export type StartArgs = Pick<
  Attempt,
  'reference' | 'requestHash' | 'device' | 'provider' | 'wallet' | 'maskedCode' | 'amount' | 'currency'
> & {
  /** How long from now the charge may stay unconfirmed before it is cancelled (ms). */
  confirmWithinMs: number
}

const COLUMNS = `reference, request_hash AS requestHash, device, provider, wallet, masked_code AS maskedCode, amount,
  currency, state, pending, transaction_id AS transactionId, detail, started_at AS startedAt, deadline, event_seq AS seq`

export function attemptOf(tx: Pick<TxContext, 'stmt'>, reference: string): Attempt | null {
  const row = tx.stmt(`SELECT ${COLUMNS} FROM payment_attempts WHERE reference = ?`).get(reference) as
    (Omit<Attempt, 'pending'> & { pending: number }) | undefined
  return row ? { ...row, pending: row.pending === 1 } : null
}

/** The charge under `reference`: new (written, journaled), the one already there, or a conflict (another request). */
export function paymentStartTx(
  tx: TxContext,
  a: StartArgs,
): { status: 'new' | 'repeat'; attempt: Attempt } | { status: 'conflict' } {
  const prior = attemptOf(tx, a.reference)
  if (prior) return prior.requestHash === a.requestHash ? { status: 'repeat', attempt: prior } : { status: 'conflict' }
  const ev = tx.append('payment.started', a.device, payload(a, 'started', null, ''), { outbox: true })
  tx.stmt(
    `INSERT INTO payment_attempts (reference, request_hash, device, provider, wallet, masked_code, amount, currency,
       state, started_at, deadline, updated_at, event_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'charging', ?, ?, ?, ?)`,
  ).run(
    a.reference,
    a.requestHash,
    a.device,
    a.provider,
    a.wallet,
    a.maskedCode,
    a.amount,
    a.currency,
    tx.now,
    tx.now + a.confirmWithinMs,
    tx.now,
    ev.seq,
  )
  return { status: 'new', attempt: attemptOf(tx, a.reference)! }
}

export type Step = 'pending' | 'paid' | 'declined' | 'reversing' | 'reversed'

/** Where each step may come from: a decided charge never moves again. */
const FROM: Record<Step, AttemptState[]> = {
  pending: ['charging'],
  paid: ['charging'],
  declined: ['charging'],
  reversing: ['charging'],
  reversed: ['reversing'],
}

/** Moves the charge on (journaled), or leaves it as it is when it is no longer where the step comes from. */
export function paymentStepTx(
  tx: TxContext,
  a: { reference: string; step: Step; transactionId?: string | null; detail: string },
): { moved: boolean; attempt: Attempt } {
  const before = attemptOf(tx, a.reference)
  if (!before) throw new Error(`no payment attempt ${a.reference}`)
  const from = FROM[a.step]
  if (!from.includes(before.state) || (a.step === 'pending' && before.pending)) return { moved: false, attempt: before }
  const transactionId = a.transactionId ?? before.transactionId
  const ev = tx.append(`payment.${a.step}`, before.device, payload(before, a.step, transactionId, a.detail), {
    outbox: true,
  })
  const state = a.step === 'pending' ? 'charging' : a.step
  tx.stmt(
    `UPDATE payment_attempts SET state = ?, pending = pending OR ?, transaction_id = ?, detail = ?, updated_at = ?,
       event_seq = ? WHERE reference = ?`,
  ).run(state, a.step === 'pending' ? 1 : 0, transactionId, a.detail, tx.now, ev.seq, a.reference)
  return { moved: true, attempt: attemptOf(tx, a.reference)! }
}

function payload(
  a: Pick<Attempt, 'reference' | 'provider' | 'amount' | 'currency' | 'maskedCode'>,
  status: 'started' | Step,
  transactionId: string | null,
  detail: string,
) {
  return {
    status,
    provider: a.provider,
    amount: a.amount,
    currency: a.currency,
    maskedCode: a.maskedCode,
    transactionId,
    detail,
    reference: a.reference,
  }
}
