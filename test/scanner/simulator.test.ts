import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PassThrough } from 'node:stream'
import { ScannerHarness } from '../helpers/scanner-harness.js'
import { tempDir } from '../helpers/tmp.js'

describe('simulator scanner', () => {
  let tmp: ReturnType<typeof tempDir>
  let harness: ScannerHarness
  const stdin = new PassThrough()
  beforeEach(async () => {
    tmp = tempDir()
    harness = new ScannerHarness(
      tmp.dir,
      [
        {
          id: 'sim',
          kind: 'scanner',
          role: 'till',
          symbologyIds: 'aim',
          stripPrefix: '',
          stripSuffix: '',
          transport: { type: 'simulator', stdin: true },
        },
        {
          id: 'quiet',
          kind: 'scanner',
          role: 'kiosk',
          symbologyIds: 'none',
          stripPrefix: '',
          stripSuffix: '',
          transport: { type: 'simulator', stdin: false },
        },
      ],
      { stdin },
    )
    await harness.start()
    await harness.waitState('sim', 'online')
    await harness.waitState('quiet', 'online')
  })
  afterEach(async () => {
    await harness.stop()
    tmp.cleanup()
  })

  it('turns stdin lines into journaled scans through the real decode path', async () => {
    stdin.write(']Q1TS1:FROM-STDIN\n4006381333931\r\n\n')
    await harness.waitScans(2)
    await harness.waitRejections(1)
    expect(harness.scans.map((s) => [s.deviceId, s.data, s.symbology])).toEqual([
      ['sim', 'TS1:FROM-STDIN', 'qr'],
      ['sim', '4006381333931', null],
    ])
    expect(harness.rejections[0]).toMatchObject({ deviceId: 'sim', reason: 'empty' })
  })

  it('simulateScan reports unknown, non-simulator and rejected input precisely', async () => {
    expect(await harness.devices.simulateScan('nope', 'x')).toMatchObject({ ok: false, error: 'unknown_device' })
    expect(await harness.devices.simulateScan('quiet', 'a\u0007b')).toMatchObject({
      ok: false,
      error: 'rejected',
      detail: expect.stringContaining('control_chars'),
    })
    const ok = await harness.devices.simulateScan('quiet', 'KIOSK-1')
    expect(ok).toMatchObject({ ok: true, scan: { deviceId: 'quiet', role: 'kiosk', data: 'KIOSK-1', seq: 1 } })
  })
})
