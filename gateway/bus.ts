/**
 * The one typed event bus. Listeners are registered per owner and removed by owner on
 * stop; a throwing (or rejecting) listener is logged and isolated — the other listeners
 * still run and the emitter never sees the error.
 */
import type { Logger } from './log.js'
import type { DeviceStateChange } from './devices/device-state.js'
import type { PrinterStateChange } from './print/print-queue.js'
import type { JournaledScan } from './scan/scan-types.js'
import type { ScanRejection } from './scan/scan-types.js'

export interface EventMap {
  /** A scan that is already durable in the journal. */
  scan: JournaledScan
  /** Input from a scanner that was not a usable scan (garbage, overflow); logged and counted. */
  'scan.rejected': ScanRejection
  'device.state': DeviceStateChange
  /** A printer's state changed (paper out, cover open, disconnected, back online…). */
  'printer.state': PrinterStateChange
}

type Listener<T> = (payload: T) => void | Promise<void>

interface Registration {
  owner: string
  event: keyof EventMap
  listener: Listener<never>
}

export class EventBus {
  private registrations: Registration[] = []

  constructor(private readonly log: Logger) {}

  on<K extends keyof EventMap>(owner: string, event: K, listener: Listener<EventMap[K]>): void {
    this.registrations.push({ owner, event, listener: listener as Listener<never> })
  }

  /** Removes every listener `owner` registered; modules call this in `stop()`. */
  off(owner: string): void {
    this.registrations = this.registrations.filter((r) => r.owner !== owner)
  }

  emit<K extends keyof EventMap>(event: K, payload: EventMap[K]): void {
    // Snapshot: a listener that unsubscribes mid-emit must not skip its neighbour.
    for (const r of [...this.registrations]) {
      if (r.event !== event) continue
      try {
        const result = (r.listener as Listener<EventMap[K]>)(payload)
        if (result && typeof result.then === 'function') {
          result.then(undefined, (err: unknown) => this.reportFailure(r.owner, event, payload, err))
        }
      } catch (err) {
        this.reportFailure(r.owner, event, payload, err)
      }
    }
  }

  private reportFailure(owner: string, event: string, payload: unknown, err: unknown): void {
    const id =
      typeof payload === 'object' && payload !== null && 'id' in payload ? (payload as { id: unknown }).id : undefined
    this.log.error({ err, owner, event, eventId: id }, 'event listener failed; event stays journaled')
  }
}
