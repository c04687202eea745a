/**
 * Keeps every configured device connected: state per device, reconnect with capped,
 * jittered exponential backoff, unplug/replug without a restart. A device that fails
 * never stops the others or the gateway.
 */
import type { Logger } from '../log.js'
import { moduleLogger } from '../log.js'
import type { EventBus } from '../bus.js'
import type { Module } from '../lifecycle.js'
import type { Config, ScannerDeviceConfig } from '../../config/schema.js'
import { createScanner, type ScannerBindings } from '../../drivers/scanner/create-scanner.js'
import { DeviceOpenError, type ScannerDriver } from '../../drivers/scanner/types.js'
import { decodeText } from '../../drivers/scanner/decode.js'
import type { ScanPipeline } from '../scan/scan-pipeline.js'
import type { JournaledScan } from '../scan/scan-types.js'
import { backoffDelay } from '../backoff.js'
import type { DeviceState } from './device-state.js'

/** Online this long before a disconnect counts as a fresh failure (backoff restarts). */
const STABLE_MS = 10_000

interface Managed {
  config: ScannerDeviceConfig
  driver: ScannerDriver
  log: Logger
  state: DeviceState
  reason: string | null
  detail: string | null
  since: string
  attempts: number
  onlineAt: number
  timer: NodeJS.Timeout | null
  nextRetryAt: string | null
}

export interface DeviceStatus {
  id: string
  kind: 'scanner'
  role: 'till' | 'kiosk'
  name: string | null
  transport: string
  state: DeviceState
  reason: string | null
  detail: string | null
  since: string
  nextRetryAt: string | null
}

export type SimulateResult =
  | { ok: true; scan: JournaledScan }
  | { ok: false; error: 'unknown_device' | 'not_simulator' | 'offline' | 'rejected' | 'not_recorded'; detail: string }

export class DeviceManager implements Module {
  readonly name = 'devices'
  private readonly devices = new Map<string, Managed>()
  private stopping = false

  constructor(
    private readonly config: Pick<Config, 'devices' | 'reconnect'>,
    private readonly bindings: ScannerBindings,
    private readonly pipeline: ScanPipeline,
    private readonly bus: EventBus,
    /** The root logger: each driver takes its own `drivers:scanner` child. */
    private readonly rootLog: Logger,
    private readonly random: () => number = Math.random,
  ) {}

  async start(): Promise<void> {
    for (const config of this.config.devices) {
      const log = moduleLogger(this.rootLog, 'drivers:scanner', { deviceId: config.id })
      const driver = createScanner(
        config,
        {
          scan: (read) => void this.pipeline.accept(config, read),
          reject: (rejected) => this.pipeline.reject(config.id, rejected),
          disconnect: (err) => this.onDisconnect(m, err),
        },
        this.bindings,
        log,
      )
      const m: Managed = {
        config,
        driver,
        log,
        state: 'connecting',
        reason: null,
        detail: null,
        since: new Date().toISOString(),
        attempts: 0,
        onlineAt: 0,
        timer: null,
        nextRetryAt: null,
      }
      this.devices.set(config.id, m)
      // Not awaited: a missing scanner must not delay the till's HTTP or other devices.
      void this.connect(m)
    }
  }

  async stop(): Promise<void> {
    this.stopping = true
    await Promise.all(
      [...this.devices.values()].map(async (m) => {
        if (m.timer) clearTimeout(m.timer)
        m.timer = null
        try {
          await m.driver.close()
        } catch (err) {
          m.log.warn({ err }, 'closing device failed')
        }
      }),
    )
  }

  status(): DeviceStatus[] {
    return [...this.devices.values()].map((m) => ({
      id: m.config.id,
      kind: m.config.kind,
      role: m.config.role,
      name: m.config.name ?? null,
      transport: m.driver.transport,
      state: m.state,
      reason: m.reason,
      detail: m.detail,
      since: m.since,
      nextRetryAt: m.nextRetryAt,
    }))
  }

  /**
   * Tells the scanner how a decision went (good-read / bad-read beep), when its config has
   * feedback commands and its driver can write. Best effort: a failed write is logged,
   * never an error for the caller — the screen already shows the result.
   */
  async feedback(deviceId: string, good: boolean): Promise<void> {
    const m = this.devices.get(deviceId)
    const bytes = good ? m?.config.feedback?.goodRead : m?.config.feedback?.badRead
    if (!m || !bytes || !m.driver.write || m.state !== 'online') return
    try {
      await m.driver.write(Buffer.from(bytes, 'hex'))
    } catch (err) {
      m.log.warn({ err, good }, 'scanner feedback not sent')
    }
  }

  /** Development: a scan "read" by a simulator device, through the same decode and journal path. */
  async simulateScan(deviceId: string, text: string): Promise<SimulateResult> {
    const m = this.devices.get(deviceId)
    if (!m) return { ok: false, error: 'unknown_device', detail: `no device "${deviceId}" is configured` }
    if (m.config.transport.type !== 'simulator') {
      return {
        ok: false,
        error: 'not_simulator',
        detail: `device "${deviceId}" is a ${m.config.transport.type} scanner, not a simulator`,
      }
    }
    if (m.state !== 'online') return { ok: false, error: 'offline', detail: `device "${deviceId}" is ${m.state}` }
    const decoded = decodeText(text, m.config)
    if (!decoded.ok) {
      this.pipeline.reject(deviceId, decoded.rejected)
      return { ok: false, error: 'rejected', detail: `${decoded.rejected.reason}: ${decoded.rejected.detail}` }
    }
    const scan = await this.pipeline.accept(m.config, decoded.read)
    return scan ? { ok: true, scan } : { ok: false, error: 'not_recorded', detail: 'the journal refused the scan' }
  }

  private async connect(m: Managed): Promise<void> {
    m.timer = null
    m.nextRetryAt = null
    if (this.stopping) return
    // Retries keep the offline/error state (and its reason) visible instead of flickering.
    if (m.state === 'connecting') this.setState(m, 'connecting', null, null)
    try {
      await m.driver.open()
    } catch (err) {
      if (this.stopping) return
      const e = err instanceof DeviceOpenError ? err : new DeviceOpenError('io', (err as Error).message)
      // Unplugged is normal life in a shop (offline); anything else needs a person (error).
      this.setState(m, e.code === 'not_found' ? 'offline' : 'error', e.code, e.message)
      return this.scheduleRetry(m)
    }
    if (this.stopping) return void (await m.driver.close().catch(() => {}))
    m.onlineAt = Date.now()
    this.setState(m, 'online', null, null)
  }

  private onDisconnect(m: Managed, err: Error | null): void {
    if (this.stopping) return
    if (Date.now() - m.onlineAt >= STABLE_MS) m.attempts = 0
    this.setState(m, 'offline', 'disconnected', err?.message ?? 'device closed')
    this.scheduleRetry(m)
  }

  private scheduleRetry(m: Managed): void {
    const delay = backoffDelay(m.attempts++, this.config.reconnect.initialMs, this.config.reconnect.maxMs, this.random)
    m.nextRetryAt = new Date(Date.now() + delay).toISOString()
    m.timer = setTimeout(() => void this.connect(m), delay)
    m.timer.unref()
  }

  private setState(m: Managed, state: DeviceState, reason: string | null, detail: string | null): void {
    if (m.state === state && m.reason === reason && m.detail === detail) return
    const was = m.state
    m.state = state
    m.reason = reason
    m.detail = detail
    m.since = new Date().toISOString()
    const level = state === 'error' ? 'error' : state === 'offline' && was === 'online' ? 'warn' : 'info'
    m.log[level]({ state, reason, detail, attempts: m.attempts }, `device ${state}`)
    this.bus.emit('device.state', { deviceId: m.config.id, state, reason, detail, at: m.since })
  }
}
