/**
 * HID scanners: node-hid cannot see a device on CI, so the OS edge is replaced by a
 * binding that replays recorded reports; everything from the report on (decoders,
 * driver, device manager, pipeline, journal) is the real code.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  createNodeHidBinding,
  hidBackendFor,
  type HidBinding,
  type HidConnection,
  type HidOpenOptions,
} from '../../drivers/bindings/hid.js'
import { DeviceOpenError } from '../../drivers/scanner/types.js'
import { encodeHidPosReports } from '../../drivers/scanner/hid-pos-decoder.js'
import { encodeKeyboardReports } from '../../drivers/scanner/hid-keyboard-decoder.js'
import type { ScannerDeviceConfig } from '../../config/schema.js'
import { ScannerHarness } from '../helpers/scanner-harness.js'
import { tempDir } from '../helpers/tmp.js'

/** Replays reports like a plugged-in device; `unplug()` fails it like the kernel would. */
class ReplayHid implements HidBinding {
  opened: HidOpenOptions[] = []
  present = true
  private report: ((r: Buffer) => void) | null = null
  private close: ((e: Error | null) => void) | null = null

  async open(options: HidOpenOptions): Promise<HidConnection> {
    this.opened.push(options)
    if (!this.present) throw new DeviceOpenError('not_found', 'no HID device')
    return {
      onReport: (l) => void (this.report = l),
      onClose: (l) => void (this.close = l),
      close: async () => void (this.report = null),
    }
  }
  send(reports: Buffer[]): void {
    for (const r of reports) this.report?.(r)
  }
  unplug(): void {
    this.present = false
    this.report = null
    this.close?.(new Error('could not read from HID device'))
  }
}

const base = {
  kind: 'scanner' as const,
  role: 'kiosk' as const,
  symbologyIds: 'none' as const,
  stripPrefix: '',
  stripSuffix: '',
}

describe('HID scanners with replayed reports', () => {
  let tmp: ReturnType<typeof tempDir>
  let harness: ScannerHarness
  let hid: ReplayHid
  beforeEach(() => {
    tmp = tempDir()
    hid = new ReplayHid()
  })
  afterEach(async () => {
    await harness.stop()
    tmp.cleanup()
  })

  async function start(device: ScannerDeviceConfig): Promise<void> {
    harness = new ScannerHarness(tmp.dir, [device], { hid })
    await harness.start()
    await harness.waitState(device.id, 'online')
  }

  it('HID POS: multi-report QR with AIM id is journaled with its symbology, over hidraw', async () => {
    await start({
      ...base,
      id: 'pos',
      transport: { type: 'hid-pos', vendorId: 0x0c2e, productId: 0x0b87, encoding: 'utf8' },
    })
    const code = `TS1:${'Q'.repeat(100)}`
    hid.send(encodeHidPosReports(Buffer.from(code), ']Q1'))
    hid.send(encodeHidPosReports(Buffer.from('4006381333931'), ']E0'))
    await harness.waitScans(2)
    expect(harness.scans.map((s) => [s.data, s.symbology])).toEqual([
      [code, 'qr'],
      ['4006381333931', 'ean-13'],
    ])
    expect(hid.opened[0]).toMatchObject({ vendorId: 0x0c2e, productId: 0x0b87, driver: 'hidraw' })
  })

  it('keyboard wedge: read through libusb (kernel driver detached), US and French layouts', async () => {
    await start({
      ...base,
      id: 'wedge',
      transport: { type: 'hid-keyboard', vendorId: 0x05e0, productId: 0x1200, layout: 'fr', terminator: 'enter' },
    })
    hid.send(encodeKeyboardReports('TS1:AZERTY-42', 'fr'))
    await harness.waitScans(1)
    expect(harness.scans[0]!.data).toBe('TS1:AZERTY-42')
    expect(hid.opened[0]!.driver).toBe('libusb')
  })

  it('keyboard wedge: an unplug mid-scan drops the partial scan; replug resumes', async () => {
    await start({
      ...base,
      id: 'wedge',
      transport: { type: 'hid-keyboard', vendorId: 1, productId: 2, layout: 'us', terminator: 'enter' },
    })
    hid.send(encodeKeyboardReports('PARTIAL', 'us', null))
    hid.unplug()
    await harness.waitState('wedge', 'offline')
    await harness.waitRejections(1)
    expect(harness.rejections[0]).toMatchObject({ deviceId: 'wedge', reason: 'partial_frame' })
    hid.present = true
    await harness.waitState('wedge', 'online')
    hid.send(encodeKeyboardReports('WHOLE', 'us'))
    await harness.waitScans(1)
    expect(harness.scans.map((s) => s.data)).toEqual(['WHOLE'])
  })
})

describe('node-hid binding', () => {
  it('uses one backend per process: libusb as soon as a keyboard wedge needs it', async () => {
    expect(hidBackendFor(['hidraw', 'hidraw'])).toBe('hidraw')
    expect(hidBackendFor(['hidraw', 'libusb'])).toBe('libusb')
    await expect(
      createNodeHidBinding('hidraw').open({ vendorId: 1, productId: 2, driver: 'libusb' }),
    ).rejects.toMatchObject({
      code: 'unsupported',
    })
  })

  it('reports an absent device as not_found through the real node-hid', async () => {
    // not_found, not unsupported: node-hid must really load and enumerate here (setup-system
    // installs libusb); a binding that fails to load must fail this test, not pass it.
    await expect(
      createNodeHidBinding('hidraw').open({ vendorId: 0xfffe, productId: 0xfffe, driver: 'hidraw' }),
    ).rejects.toMatchObject({
      name: 'DeviceOpenError',
      code: 'not_found',
    })
  })
})
