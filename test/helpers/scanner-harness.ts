/** Journal + bus + scan pipeline + device manager, wired as the gateway wires them. */
import { join } from 'node:path'
import { Journal } from '../../gateway/store/journal.js'
import { EventBus } from '../../gateway/bus.js'
import { ScanPipeline } from '../../gateway/scan/scan-pipeline.js'
import { DeviceManager } from '../../gateway/devices/device-manager.js'
import type { JournaledScan, ScanRejection } from '../../gateway/scan/scan-types.js'
import type { DeviceStateChange } from '../../gateway/devices/device-state.js'
import type { ScannerDeviceConfig } from '../../config/schema.js'
import { parseConfig } from '../../config/load.js'
import { serialportBinding } from '../../drivers/bindings/serial.js'
import type { ScannerBindings } from '../../drivers/scanner/create-scanner.js'
import type { HidBinding } from '../../drivers/bindings/hid.js'
import { captureLogs } from './log-capture.js'
import { waitFor } from './wait.js'

const noHid: HidBinding = {
  open: () => Promise.reject(new Error('no HID in this harness')),
}

export class ScannerHarness {
  readonly scans: JournaledScan[] = []
  readonly rejections: ScanRejection[] = []
  readonly states: DeviceStateChange[] = []
  readonly logs = captureLogs('info')
  readonly journal: Journal
  readonly bus: EventBus
  readonly pipeline: ScanPipeline
  readonly devices: DeviceManager

  constructor(dir: string, devices: ScannerDeviceConfig[], bindings: Partial<ScannerBindings> = {}) {
    const log = this.logs.log
    this.journal = new Journal(join(dir, 'tillside.db'), log)
    this.bus = new EventBus(log)
    this.pipeline = new ScanPipeline(this.journal, this.bus, log)
    this.devices = new DeviceManager(
      { devices, reconnect: { initialMs: 50, maxMs: 400 } },
      { serial: serialportBinding, hid: noHid, stdin: null, ...bindings },
      this.pipeline,
      this.bus,
      log,
    )
    this.bus.on('test', 'scan', (s) => void this.scans.push(s))
    this.bus.on('test', 'scan.rejected', (r) => void this.rejections.push(r))
    this.bus.on('test', 'device.state', (s) => void this.states.push(s))
  }

  async start(): Promise<void> {
    await this.journal.start()
    await this.devices.start()
  }

  async stop(): Promise<void> {
    await this.devices.stop()
    await this.journal.stop()
  }

  state(deviceId: string): string | undefined {
    return this.devices.status().find((d) => d.id === deviceId)?.state
  }

  waitState(deviceId: string, state: string, timeoutMs = 10_000): Promise<boolean> {
    return waitFor(() => this.state(deviceId) === state, `${deviceId} ${state}`, timeoutMs)
  }

  waitScans(n: number, timeoutMs = 10_000): Promise<boolean> {
    return waitFor(() => this.scans.length >= n, `${n} scans (have ${this.scans.length})`, timeoutMs)
  }

  waitRejections(n: number, timeoutMs = 10_000): Promise<boolean> {
    return waitFor(() => this.rejections.length >= n, `${n} rejections (have ${this.rejections.length})`, timeoutMs)
  }
}

/** A serial scanner config with the schema's own defaults (parsed, not re-listed here). */
export function serialScanner(
  id: string,
  path: string,
  transport: Partial<Extract<ScannerDeviceConfig['transport'], { type: 'serial' }>> = {},
  device: Partial<Omit<ScannerDeviceConfig, 'transport'>> = {},
): ScannerDeviceConfig {
  const raw = { id, kind: 'scanner', role: 'till', ...device, transport: { type: 'serial', path, ...transport } }
  return parseConfig(JSON.stringify({ store: { id: 'test', name: 'Test' }, devices: [raw] }), 'test').devices[0]!
}
