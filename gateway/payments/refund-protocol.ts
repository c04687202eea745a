/**
 * Refunds of paid payment-code charges (docs/payments.md): written down with their event
 * before the provider is asked; refunded or refused as the provider says; an answer that
 * is lost or cannot be trusted is asked again under the same refund reference — the
 * providers treat a repeat as the same refund — with backoff, until the provider decides,
 * also after a restart. Never more than was paid, counting refunds still under way.
 */
import type { Logger } from '../log.js'
import type { Module } from '../lifecycle.js'
import type { Journal } from '../store/journal.js'
import type { Refund, RefundStart } from '../store/tx/refund-tx.js'
import { PaymentReads } from '../store/read/payment-reads.js'
import { Halt } from './halt.js'
import type { ChargeRef, PaymentProvider } from './payment-provider.js'

export class RefundProtocol implements Module {
  readonly name = 'refunds'
  private readonly running = new Map<string, Promise<Refund>>()
  private readonly halt = new Halt()
  private readonly reads: PaymentReads

  constructor(
    private readonly journal: Journal,
    private readonly provider: PaymentProvider,
    private readonly timing: { queryEveryMs: number; cancelRetryMaxMs: number },
    private readonly log: Logger,
  ) {
    this.reads = new PaymentReads(journal)
  }

  start(): Promise<void> {
    this.halt.reset()
    for (const reference of this.reads.openRefunds()) {
      this.log.warn({ reference }, 'a refund was under way: asking again')
      this.drive(reference).catch((err: unknown) => this.log.error({ err, reference }, 'resumed refund stopped'))
    }
    return Promise.resolve()
  }

  async stop(): Promise<void> {
    this.halt.stop()
    await Promise.allSettled([...this.running.values()])
  }

  /** Writes the refund down and asks the provider; `decided` settles once the provider has said yes or no. */
  async begin(a: {
    reference: string
    chargeReference: string
    requestHash: string
    device: string | null
    amount: number
  }): Promise<
    | Exclude<RefundStart, { status: 'new' | 'repeat' }>
    | { status: 'new' | 'repeat'; refund: Refund; decided: Promise<Refund> }
  > {
    const { result } = await this.journal.execute('refund.start', a)
    if ('refund' in result) return { status: result.status, refund: result.refund, decided: this.drive(a.reference) }
    return result
  }

  refund(reference: string): Refund | null {
    return this.reads.refund(reference)
  }

  private drive(reference: string): Promise<Refund> {
    const r = this.refund(reference)!
    if (r.state !== 'refunding') return Promise.resolve(r)
    const running = this.running.get(reference)
    if (running) return running
    const p = this.run(r).finally(() => this.running.delete(reference))
    this.running.set(reference, p)
    return p
  }

  private async run(r: Refund): Promise<Refund> {
    const charge = this.reads.attempt(r.chargeReference)!
    const ref: ChargeRef = { wallet: charge.wallet as ChargeRef['wallet'], reference: charge.reference }
    for (let wait = this.timing.queryEveryMs; ; wait = Math.min(wait * 2, this.timing.cancelRetryMaxMs)) {
      const answer = await this.provider
        .refund({
          ...ref,
          refundReference: r.reference,
          amount: r.amount,
          total: charge.amount,
          currency: charge.currency,
        })
        .catch((err: unknown) => ({ status: 'unknown' as const, detail: String(err) }))
      if (answer.status !== 'unknown') {
        const { result } = await this.journal.execute('refund.decide', {
          reference: r.reference,
          state: answer.status,
          refundId: answer.status === 'refunded' ? answer.refundId : null,
          detail: answer.detail,
        })
        this.log.info({ reference: r.reference, state: result.state }, 'refund')
        return result
      }
      this.log.warn({ reference: r.reference, detail: answer.detail }, 'refund not answered; asking again')
      if (!(await this.halt.pause(wait))) return r // stopping: asked again at the next start
    }
  }
}
