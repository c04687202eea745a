/**
 * Scan pipeline: every scan is journaled (durable) *before* any handler sees it; then it
 * goes out on the bus, where a throwing handler is logged with the scan id and isolated.
 * Rejected input is logged (warn, with the device id) and counted — never silently dropped.
 */
import type { Logger } from '../log.js'
import type { EventBus } from '../bus.js'
import type { Journal } from '../store/journal.js'
import type { ScanRead, RejectedInput } from '../../drivers/scanner/types.js'
import type { ScannerDeviceConfig } from '../../config/schema.js'
import type { JournaledScan, ScanPayload, ScanRejection } from './scan-types.js'

export interface ScanCounters {
  scans: number
  rejected: number
  lastScanAt: string | null
  lastRejected: { reason: string; detail: string; at: string } | null
}

export class ScanPipeline {
  private readonly counters = new Map<string, ScanCounters>()

  constructor(
    private readonly journal: Pick<Journal, 'append'>,
    private readonly bus: EventBus,
    private readonly log: Logger,
  ) {}

  async accept(device: Pick<ScannerDeviceConfig, 'id' | 'role'>, read: ScanRead): Promise<JournaledScan | null> {
    const payload: ScanPayload = { data: read.data, symbology: read.symbology, aimId: read.aimId, role: device.role }
    let scan: JournaledScan
    try {
      const event = await this.journal.append({ type: 'scan', device: device.id, payload })
      scan = { ...payload, id: event.id, seq: event.seq, time: event.time, deviceId: device.id }
    } catch (err) {
      // Not durable, so not acknowledged: no handler ever sees it, the cashier gets no beep.
      this.log.error({ err, deviceId: device.id, chars: read.data.length }, 'scan NOT recorded: journal refused it')
      this.countRejected(device.id, 'journal_unavailable', (err as Error).message)
      this.bus.emit('scan.rejected', { deviceId: device.id, reason: 'journal_unavailable', detail: (err as Error).message, bytes: read.data.length })
      return null
    }
    const c = this.countersFor(device.id)
    c.scans++
    c.lastScanAt = new Date(scan.time).toISOString()
    this.log.debug({ deviceId: device.id, scanId: scan.id, seq: scan.seq, symbology: scan.symbology }, 'scan journaled')
    this.bus.emit('scan', scan)
    return scan
  }

  reject(deviceId: string, rejected: RejectedInput): void {
    this.log.warn({ deviceId, reason: rejected.reason, detail: rejected.detail, bytes: rejected.bytes }, 'scanner input rejected')
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
