/**
 * Vouchers used beyond their uses across stores, as the cloud found them (command
 * double-use): kept, newest notice per voucher, and shown in the back office with names
 * people know — the offer, the stores, this store's cashiers — the value at risk, and
 * whether a manager has dealt with it. Only the cloud can see both redemptions; this
 * store learns of them once both stores' events have arrived there.
 */
import type { Journal } from '../store/journal.js'
import { DoubleUseReads } from '../store/read/double-use-reads.js'
import type { DoubleUseNotice } from './double-use-notice.js'

export interface DoubleUseView {
  voucherKey: string
  campaign: number
  detectedAt: number
  maxUses: number
  atRisk: { amount: number; currency: string } | null
  uses: { at: number; storeName: string; here: boolean; cashier: string | null; voided: boolean }[]
  handled: { at: number; by: string } | null
}

/** Handled ones stay listed this long, so a manager can see what was dealt with. */
const HANDLED_SHOWN_MS = 30 * 86_400_000

export class DoubleUses {
  private readonly reads: DoubleUseReads

  constructor(
    private readonly journal: Pick<Journal, 'execute' | 'query'>,
    private readonly here: string,
    /** Names people know: stores (trust list, else the cloud's name), this store's cashiers and managers. */
    private readonly names: { store(id: string): string; cashier(id: string): string; user(id: string): string },
  ) {
    this.reads = new DoubleUseReads(journal)
  }

  /** Keeps a notice unless a newer one is kept already; true when kept. */
  async save(n: DoubleUseNotice): Promise<boolean> {
    const { result } = await this.journal.execute('sync.doubleUse', {
      voucherKey: n.voucherKey,
      detectedAt: Date.parse(n.detectedAt),
      uses: n.uses.length,
      body: JSON.stringify(n),
    })
    return result.saved
  }

  /** A manager (user id) dealt with it; false when it was handled already or never reported. */
  async handle(voucherKey: string, user: string): Promise<boolean> {
    const { result } = await this.journal.execute('admin.doubleUseHandled', { voucherKey, user })
    return result.handled
  }

  list(now = Date.now(), limit = 100): DoubleUseView[] {
    return this.reads.list(now - HANDLED_SHOWN_MS, limit).map((r) => this.view(r))
  }

  of(voucherKey: string): DoubleUseView | null {
    const row = this.reads.of(voucherKey)
    return row && this.view(row)
  }

  open(): { count: number; since: number | null } {
    return this.reads.open()
  }

  private view(r: ReturnType<DoubleUseReads['list']>[number]): DoubleUseView {
    const n = JSON.parse(r.body) as DoubleUseNotice
    return {
      voucherKey: n.voucherKey,
      campaign: n.campaign,
      detectedAt: r.detectedAt,
      maxUses: n.maxUses,
      atRisk: n.atRisk,
      uses: n.uses.map((u) => {
        const here = u.store === this.here
        const known = this.names.store(u.store)
        return {
          at: Date.parse(u.at),
          // The trust list names partner stores; the cloud's enrolment name covers the rest.
          storeName: known !== u.store ? known : (u.storeName ?? u.store),
          here,
          // Another store's cashier ids mean nothing here.
          cashier: here && u.cashier ? this.names.cashier(u.cashier) : null,
          voided: u.voided,
        }
      }),
      handled: r.handledAt === null ? null : { at: r.handledAt, by: this.names.user(r.handledBy ?? '') },
    }
  }
}
