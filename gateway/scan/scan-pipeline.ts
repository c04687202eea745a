/**
 * Scan pipeline: every scan is journaled (durable) *before* any handler sees it; then it
 * goes out on the bus, where a throwing handler is logged with the scan id and isolated.
 * Rejected input is logged (warn, with the device id) and counted — never silently dropped.
 *
 * A module may *claim* the scans of one role (the till claims till scans): it is handed
 * the scan in the same tick its append is submitted, so its own events (a redemption)
 * share the scan's group commit — one fsync for scan and outcome instead of two.
 */
import type { Logger } from '../log.js'
import { Tally } from '../log-tally.js'
import type { EventBus } from '../bus.js'
import type { Journal } from '../store/journal.js'
import type { ScanRead, RejectedInput } from '../../drivers/scanner/types.js'
import type { ScannerDeviceConfig } from '../../config/schema.js'
import type { JournaledScan, ScanClaim, ScanPayload, ScanRejection } from './scan-types.js'
import { classifyScan, maskCode } from '../till/classify.js'

export interface ScanCounters {
  scans: number
  rejected: number
  lastScanAt: string | null
  lastRejected: { reason: string; detail: string; at: string } | null
}

export class ScanPipeline {
  private readonly counters = new Map<string, ScanCounters>()
  private readonly claims = new Map<ScanPayload['role'], ScanClaim>()

  private readonly tally: Tally

  constructor(
    private readonly journal: Pick<Journal, 'append' | 'newId'>,
    private readonly bus: EventBus,
    private readonly log: Logger,
  ) {
    this.tally = new Tally(log, 'scans in the last minute')
  }

  /** Hands every scan of `role` to `claim` as it is submitted (one claimant per role; null removes it). */
  claim(role: ScanPayload['role'], claim: ScanClaim | null): void {
    if (claim) this.claims.set(role, claim)
    else this.claims.delete(role)
  }

  async accept(device: Pick<ScannerDeviceConfig, 'id' | 'role'>, read: ScanRead): Promise<JournaledScan | null> {
    const payload: ScanPayload = { data: read.data, symbology: read.symbology, aimId: read.aimId, role: device.role }
    const draft = { ...payload, id: this.journal.newId(), time: Date.now(), deviceId: device.id }
    // A wallet payment code is money for a minute: journaled (and synced) masked; whoever
    // claims the scan gets it whole, in memory only.
    const journaled =
      classifyScan(read.data).kind === 'payment' ? { ...payload, data: maskCode(read.data.trim()) } : payload
    const appended = this.journal.append({
      type: 'scan',
      device: device.id,
      payload: journaled,
      id: draft.id,
      time: draft.time,
    })
    const durable = appended.then(
      (event): JournaledScan => ({ ...draft, seq: event.seq }),
      () => null,
    )
    this.claims.get(device.role)?.(draft, durable)
    let scan: JournaledScan
    try {
      const event = await appended
      scan = { ...draft, seq: event.seq }
    } catch (err) {
      // Not durable, so not acknowledged: no handler ever sees it, the cashier gets no beep.
      this.log.error({ err, deviceId: device.id, chars: read.data.length }, 'scan NOT recorded: journal refused it')
      this.countRejected(device.id, 'journal_unavailable', (err as Error).message)
      this.bus.emit('scan.rejected', {
        deviceId: device.id,
        reason: 'journal_unavailable',
        detail: (err as Error).message,
        bytes: read.data.length,
      })
      return null
    }
    const c = this.countersFor(device.id)
    c.scans++
    c.lastScanAt = new Date(scan.time).toISOString()
    this.log.debug({ deviceId: device.id, scanId: scan.id, seq: scan.seq, symbology: scan.symbology }, 'scan journaled')
    this.tally.add(device.id)
    this.bus.emit('scan', scan)
    return scan
  }

  reject(deviceId: string, rejected: RejectedInput): void {
    this.log.warn(
      { deviceId, reason: rejected.reason, detail: rejected.detail, bytes: rejected.bytes },
      'scanner input rejected',
    )
    this.countRejected(deviceId, rejected.reason, rejected.detail)
    const event: ScanRejection = { deviceId, ...rejected }
    this.bus.emit('scan.rejected', event)
  }

  stats(deviceId: string): ScanCounters {
    return { ...this.countersFor(deviceId) }
  }

  private countRejected(deviceId: string, reason: string, detail: string): void {
    const c = this.countersFor(deviceId)
    c.rejected++
    c.lastRejected = { reason, detail, at: new Date().toISOString() }
  }

  private countersFor(deviceId: string): ScanCounters {
    let c = this.counters.get(deviceId)
    if (!c) {
      c = { scans: 0, rejected: 0, lastScanAt: null, lastRejected: null }
      this.counters.set(deviceId, c)
    }
    return c
  }
}
