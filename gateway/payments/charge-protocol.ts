/**
 * The protocol of a payment-code charge, whatever the provider (docs/payments.md):
 * written down before the provider is asked; paid or declined as the provider says; on
 * "the customer is confirming on the phone" or an answer that never came, asked again by
 * our reference every `queryEveryMs` until `confirmWithinMs`; still not known then →
 * cancelled at the provider, tried until the provider confirms it — and only then is the
 * charge refused. Each change of state is a journal event; a restart resumes every charge
 * in flight from the journal. A payment code is never queued: nothing here charges a code
 * again, a resumed charge is only queried or cancelled.
 */
import type { Logger } from '../log.js'
import type { Module } from '../lifecycle.js'
import type { Journal } from '../store/journal.js'
import type { Attempt, StartArgs, Step } from '../store/tx/payment-tx.js'
import { PaymentReads } from '../store/read/payment-reads.js'
import { Halt } from './halt.js'
import type { ChargeRef, ChargeRequest, ChargeResult, PaymentProvider, QueryResult } from './payment-provider.js'

export interface ChargeTiming {
  /** How often a charge not yet known is asked about (the providers suggest every few seconds). */
  queryEveryMs: number
  /** How long a charge may stay unconfirmed before it is cancelled. */
  confirmWithinMs: number
  /** The longest wait between two tries of a cancel the provider did not confirm. */
  cancelRetryMaxMs: number
}

const DECIDED = new Set(['paid', 'declined', 'reversed'])

export class ChargeProtocol implements Module {
  readonly name = 'payments'
  /** Charges being driven now, by reference: each resolves with the charge decided (paid, declined, reversed). */
  private readonly running = new Map<string, Promise<Attempt>>()
  private readonly halt = new Halt()
  private readonly reads: PaymentReads

  constructor(
    private readonly journal: Journal,
    private readonly provider: PaymentProvider,
    private readonly timing: ChargeTiming,
    private readonly log: Logger,
  ) {
    this.reads = new PaymentReads(journal)
  }

  /**
   * Writes the charge down and starts it (or finds the one under the same reference);
   * `decided` resolves when the provider has decided it — which may take until a cancel
   * is confirmed. Conflict: the reference was used for another request.
   */
  async begin(
    req: ChargeRequest & Omit<StartArgs, 'confirmWithinMs' | 'provider' | 'wallet' | 'amount' | 'currency'>,
  ): Promise<{ status: 'conflict' } | { status: 'new' | 'repeat'; attempt: Attempt; decided: Promise<Attempt> }> {
    const committing = this.journal.execute('payment.start', {
      reference: req.reference,
      requestHash: req.requestHash,
      device: req.device,
      provider: this.provider.nameFor?.(req.wallet) ?? this.provider.name,
      wallet: req.wallet,
      maskedCode: req.maskedCode,
      amount: req.amount,
      currency: req.currency,
      confirmWithinMs: this.timing.confirmWithinMs,
    })
    committing.catch(() => {}) // awaited below, after the signing
    // Signed while the writer makes the charge durable (its batch leaves at the end of this
    // tick, hence setImmediate); sent only once it is durable, and only if it is new.
    const send = await new Promise<() => Promise<ChargeResult>>((resolve) =>
      setImmediate(() => resolve(this.prepare(req))),
    )
    const { result } = await committing
    if (result.status === 'conflict') return result
    const decided = this.drive(result.attempt, result.status === 'new' ? send : null)
    return { ...result, decided }
  }

  private prepare(req: ChargeRequest): () => Promise<ChargeResult> {
    if (!this.provider.prepareCharge) return () => this.provider.charge(req)
    try {
      return this.provider.prepareCharge(req)
    } catch (err) {
      return () => Promise.reject(err as Error) // as if the charge had failed: an unknown answer
    }
  }

  /** The charge under `reference` as it stands now. */
  attempt(reference: string): Attempt | null {
    return this.reads.attempt(reference)
  }

  start(): Promise<void> {
    this.halt.reset()
    this.resume()
    return Promise.resolve()
  }

  /** Ends the loops where they are (each resumes at the next start) and waits for them. */
  async stop(): Promise<void> {
    this.halt.stop()
    await Promise.allSettled([...this.running.values()])
  }

  /** At start: every charge left in flight is queried or cancelled on, from where it was. */
  private resume(): void {
    for (const reference of this.reads.openCharges()) {
      this.log.warn({ reference }, 'a payment-code charge was in flight: resuming it')
      this.drive(this.attempt(reference)!, null).catch((err: unknown) =>
        this.log.error({ err, reference }, 'resumed charge stopped; it resumes at the next start'),
      )
    }
  }

  /** `send`: the charge's one sending (a new charge); null: only query or cancel it. */
  private drive(attempt: Attempt, send: (() => Promise<ChargeResult>) | null): Promise<Attempt> {
    if (DECIDED.has(attempt.state)) return Promise.resolve(attempt)
    const running = this.running.get(attempt.reference)
    if (running) return running
    const p = this.run(attempt, send).finally(() => this.running.delete(attempt.reference))
    this.running.set(attempt.reference, p)
    return p
  }

  private async run(attempt: Attempt, send: (() => Promise<ChargeResult>) | null): Promise<Attempt> {
    const ref: ChargeRef = { wallet: attempt.wallet as ChargeRef['wallet'], reference: attempt.reference }
    let state = attempt
    if (send && state.state === 'charging') {
      const answer = await send().catch((err: unknown): { status: 'unknown'; detail: string } => ({
        status: 'unknown',
        detail: String(err),
      }))
      // Not sent at all: nothing was charged, the customer is told at once.
      const settled = answer.status === 'unavailable' ? { ...answer, status: 'declined' as const } : answer
      state = await this.apply(state, settled)
    }
    // A resumed charge is asked about at once, even past its deadline: it may have been paid meanwhile.
    let askNow = send === null
    while (state.state === 'charging' && (askNow || Date.now() < state.deadline)) {
      const wait = Math.min(this.timing.queryEveryMs, Math.max(0, state.deadline - Date.now()))
      if (!askNow && !(await this.halt.pause(wait))) return state
      askNow = false
      const answer = await this.provider
        .query(ref)
        .catch((err: unknown): QueryResult => ({ status: 'unknown', detail: String(err) }))
      state = await this.apply(state, answer)
    }
    if (this.halt.stopped) return state
    if (state.state === 'charging') {
      const seconds = Math.round(this.timing.confirmWithinMs / 1000)
      state = await this.step(state, 'reversing', null, `not confirmed within ${seconds} s: cancelling it`)
    }
    for (let wait = this.timing.queryEveryMs; state.state === 'reversing';) {
      const answer = await this.provider
        .cancel(ref)
        .catch((err: unknown) => ({ status: 'unknown' as const, detail: String(err) }))
      if (answer.status === 'cancelled') return this.step(state, 'reversed', null, answer.detail)
      this.log.warn({ reference: state.reference, detail: answer.detail }, 'cancel not confirmed; trying again')
      if (!(await this.halt.pause(wait))) return state
      wait = Math.min(wait * 2, this.timing.cancelRetryMaxMs)
    }
    return state
  }

  /** What an answer means for the charge: paid and declined decide it, pending is noted once, the rest waits. */
  private apply(state: Attempt, answer: QueryResult): Promise<Attempt> {
    if (answer.status === 'paid') return this.step(state, 'paid', answer.transactionId, answer.detail)
    if (answer.status === 'declined') return this.step(state, 'declined', null, answer.detail)
    if (answer.status === 'pending' && !state.pending) return this.step(state, 'pending', null, answer.detail)
    return Promise.resolve(state)
  }

  private async step(
    state: Attempt,
    step: Step,
    transactionId: string | null | undefined,
    detail: string,
  ): Promise<Attempt> {
    const { result } = await this.journal.execute('payment.step', {
      reference: state.reference,
      step,
      transactionId: transactionId ?? null,
      detail,
    })
    this.log.info({ reference: state.reference, step, moved: result.moved }, 'payment-code charge')
    return result.attempt
  }
}
