/**
 * The HID OS edge. node-hid cannot see a device on CI machines, so this file stays thin:
 * everything that interprets reports lives in the decoders and is tested with recorded
 * reports. Contract as for serial: `onClose(err)` fires once when the device goes away.
 */
import type NodeHid from 'node-hid'
import { DeviceOpenError } from '../scanner/types.js'

export interface HidOpenOptions {
  vendorId: number
  productId: number
  serialNumber?: string
  /**
   * `libusb` claims the interface and detaches the kernel's keyboard driver, so a
   * keyboard-wedge scanner's "keystrokes" never reach whatever window has focus.
   * `hidraw` is right for HID POS scanners, which the kernel does not treat as keyboards.
   */
  driver: 'hidraw' | 'libusb'
}

export interface HidConnection {
  onReport(listener: (report: Buffer) => void): void
  onClose(listener: (err: Error | null) => void): void
  close(): Promise<void>
}

export interface HidBinding {
  open(options: HidOpenOptions): Promise<HidConnection>
}

const hex = (n: number) => n.toString(16).padStart(4, '0')

/**
 * node-hid loads one backend per process (hidraw or libusb) the first time a device is
 * opened, so the gateway picks one for all HID devices: libusb as soon as any
 * keyboard-wedge scanner is configured (HID POS scanners work through libusb too).
 */
export function hidBackendFor(drivers: HidOpenOptions['driver'][]): HidOpenOptions['driver'] {
  return drivers.includes('libusb') ? 'libusb' : 'hidraw'
}

export function createNodeHidBinding(backend: HidOpenOptions['driver']): HidBinding {
  return { open: (options) => openNodeHid(options, backend) }
}

async function openNodeHid(options: HidOpenOptions, backend: HidOpenOptions['driver']): Promise<HidConnection> {
  const id = `${hex(options.vendorId)}:${hex(options.productId)}`
  if (options.driver === 'libusb' && backend !== 'libusb') {
    throw new DeviceOpenError('unsupported', `HID device ${id} needs the libusb backend, but this process uses hidraw`)
  }
  let HID: typeof NodeHid
  try {
    HID = (await import('node-hid')).default
  } catch (err) {
    throw new DeviceOpenError('unsupported', `node-hid cannot load (${(err as Error).message}); install libusb-1.0-0`)
  }
  HID.setDriverType(backend)
  const found = HID.devices().filter(
    (d) =>
      d.vendorId === options.vendorId &&
      d.productId === options.productId &&
      (options.serialNumber === undefined || d.serialNumber === options.serialNumber),
  )
  const info = found[0]
  if (!info?.path) throw new DeviceOpenError('not_found', `no HID device ${id} is connected`)
  let device: NodeHid.HID
  try {
    device = new HID.HID(info.path)
  } catch (err) {
    const text = (err as Error).message
    if (/permission|access/i.test(text)) {
      throw new DeviceOpenError(
        'permission_denied',
        `no permission for HID device ${id}: install the udev rule (docs/scanners.md)`,
      )
    }
    throw new DeviceOpenError('io', `cannot open HID device ${id}: ${text}`)
  }
  let closing = false
  let reported = false
  let closeListener: (err: Error | null) => void = () => {}
  device.on('error', (err: Error) => {
    if (closing || reported) return
    reported = true
    closeListener(err)
  })
  return {
    onReport: (listener) => void device.on('data', listener),
    onClose: (listener) => void (closeListener = listener),
    close: async () => {
      closing = true
      device.close()
    },
  }
}
