/**
 * The till: every scan from a till-role scanner is classified and handled, and the
 * outcome is pushed to the cashier screens. The scan itself is already journaled (scan
 * pipeline); the handler's outcome is journaled by the voucher service before it shows.
 */
import type { EventBus } from '../bus.js'
import type { Logger } from '../log.js'
import type { Module } from '../lifecycle.js'
import type { JournaledScan } from '../scan/scan-types.js'
import type { RedeemOutcome, VoucherService, VoucherSummary } from '../vouchers/voucher-service.js'
import type { PreviousRedemption } from '../store/tx/voucher-tx.js'
import { classifyScan, type ScanClass } from './classify.js'
import { reasonText, valueText, type Text2 } from './till-text.js'

export interface TillResult {
  /** Unique per result: the outcome's event id, or the scan id when nothing else was written. */
  id: string
  seq: number
  time: number
  device: string | null
  cashier: string | null
  kind: ScanClass['kind']
  ok: boolean
  reason: string | null
  headline: Text2
  /** What to do, for rejections. */
  advice: Text2 | null
  detail: string
  handOver: Text2 | null
  voucher?: VoucherSummary
  redemptionId?: string
  previous?: PreviousRedemption | null
  voided?: boolean
}

export type TillListener = (result: TillResult) => void

/** Who is working the till a scanner belongs to (cashier sessions); null if nobody is logged in. */
export type CashierLookup = (deviceId: string) => string | null

const HISTORY = 20

export class TillService implements Module {
  readonly name = 'till'
  private readonly listeners = new Set<TillListener>()
  private readonly recent: TillResult[] = []

  constructor(
    private readonly bus: EventBus,
    private readonly vouchers: VoucherService,
    private readonly cashierFor: CashierLookup,
    private readonly log: Logger,
  ) {}

  start(): Promise<void> {
    this.bus.on(this.name, 'scan', async (scan) => {
      if (scan.role === 'till') await this.onScan(scan)
    })
    return Promise.resolve()
  }

  stop(): Promise<void> {
    this.bus.off(this.name)
    this.listeners.clear()
    return Promise.resolve()
  }

  /** Results newest first (the cashier screen's list). */
  history(): TillResult[] {
    return [...this.recent].reverse()
  }

  subscribe(listener: TillListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Handles one till scan end to end; also used directly by tests and the bench. */
  async onScan(scan: JournaledScan): Promise<TillResult> {
    const cls = classifyScan(scan.data)
    const cashier = this.cashierFor(scan.deviceId)
    const base = { device: scan.deviceId, cashier, kind: cls.kind }
    let result: TillResult
    switch (cls.kind) {
      case 'voucher': {
        const outcome = await this.vouchers.redeem(cls.code, { device: scan.deviceId, cashier, source: { scanId: scan.id, scanSeq: scan.seq } })
        result = { ...base, ...fromRedeemOutcome(outcome) }
        break
      }
      case 'payment':
        // Wallet codes expire within about a minute: never queue them; refuse at once until a provider is linked.
        result = { ...base, ...scanOnly(scan, false, 'payment_offline', `${cls.provider} payment code recognised; no payment provider is connected`) }
        break
      case 'product':
        result = { ...base, ...scanOnly(scan, false, 'product', `${cls.format} ${cls.gtin}`) }
        break
      case 'member':
        result = { ...base, ...scanOnly(scan, false, 'unknown', 'member code') }
        break
      default:
        result = { ...base, ...scanOnly(scan, false, 'unknown', cls.detail) }
    }
    this.publish(result)
    return result
  }

  /** Marks a listed redemption voided and tells the screens. */
  markVoided(redemptionId: string): void {
    const r = this.recent.find((x) => x.redemptionId === redemptionId)
    if (!r) return
    r.voided = true
    this.publish({ ...r })
  }

  private publish(result: TillResult): void {
    const i = this.recent.findIndex((r) => r.id === result.id)
    if (i >= 0) this.recent[i] = result
    else {
      this.recent.push(result)
      if (this.recent.length > HISTORY) this.recent.shift()
    }
    for (const l of this.listeners) {
      try {
        l(result)
      } catch (err) {
        this.log.error({ err }, 'till listener failed')
      }
    }
  }
}

type Outcome = Omit<TillResult, 'device' | 'cashier' | 'kind'>

function fromRedeemOutcome(o: RedeemOutcome): Outcome {
  if (o.ok) {
    return {
      id: o.redemptionId,
      seq: o.seq,
      time: o.time,
      ok: true,
      reason: null,
      headline: { en: 'VALID', zh: '有效' },
      advice: null,
      detail: o.maxUses > 1 ? `use ${o.use} of ${o.maxUses}` : '',
      handOver: o.voucher.value ? valueText(o.voucher.value) : null,
      voucher: o.voucher,
      redemptionId: o.redemptionId,
    }
  }
  return { id: `r${o.seq}`, seq: o.seq, time: o.time, ok: false, reason: o.reason, ...reasonText(o.reason), detail: o.detail, handOver: null, voucher: o.voucher, previous: o.previous }
}

function scanOnly(scan: JournaledScan, ok: boolean, reason: string, detail: string): Outcome {
  return { id: scan.id, seq: scan.seq, time: scan.time, ok, reason, ...reasonText(reason), detail, handOver: null }
}
