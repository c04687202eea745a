/** Builds the driver a device's config asks for. */
import type { Readable } from 'node:stream'
import type { Logger } from 'pino'
import type { ScannerDeviceConfig } from '../../config/schema.js'
import type { SerialBinding } from '../bindings/serial.js'
import { createNodeHidBinding, hidBackendFor, type HidBinding } from '../bindings/hid.js'
import { SerialScanner } from './serial-scanner.js'
import { HidPosScanner } from './hid-pos-scanner.js'
import { HidKeyboardScanner } from './hid-keyboard-scanner.js'
import { SimulatorScanner } from './simulator-scanner.js'
import type { ScannerDriver, ScannerEvents } from './types.js'

export interface ScannerBindings {
  serial: SerialBinding
  hid: HidBinding
  /** Where a simulator with `stdin: true` reads lines; null disables it. */
  stdin: Readable | null
}

export function createScanner(
  device: ScannerDeviceConfig,
  events: ScannerEvents,
  bindings: ScannerBindings,
  log: Logger,
): ScannerDriver {
  const decode = { symbologyIds: device.symbologyIds, stripPrefix: device.stripPrefix, stripSuffix: device.stripSuffix }
  const t = device.transport
  switch (t.type) {
    case 'serial':
      return new SerialScanner(t, decode, events, bindings.serial, log)
    case 'hid-pos':
      return new HidPosScanner(t, decode, events, bindings.hid, log)
    case 'hid-keyboard':
      return new HidKeyboardScanner(t, decode, events, bindings.hid, log)
    case 'simulator':
      return new SimulatorScanner(decode, events, t.stdin ? bindings.stdin : null)
  }
}

/** The real HID binding for a set of devices: libusb if any keyboard wedge needs it (see hidBackendFor). */
export function hidBindingFor(devices: ScannerDeviceConfig[]): HidBinding {
  const hid = devices.filter((d) => d.transport.type === 'hid-pos' || d.transport.type === 'hid-keyboard')
  return createNodeHidBinding(
    hidBackendFor(hid.map((d) => (d.transport.type === 'hid-keyboard' ? 'libusb' : 'hidraw'))),
  )
}
