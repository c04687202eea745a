import { afterEach, describe, expect, it, vi } from 'vitest'
import { DeviceManager } from '../../gateway/devices/device-manager.js'
import { EventBus } from '../../gateway/bus.js'
import { ScanPipeline } from '../../gateway/scan/scan-pipeline.js'
import { silentLogger } from '../../gateway/log.js'
import { DeviceOpenError } from '../../drivers/scanner/types.js'
import type { SerialBinding } from '../../drivers/bindings/serial.js'
import { serialScanner } from '../helpers/scanner-harness.js'

describe('DeviceManager reconnect policy', () => {
  afterEach(() => vi.useRealTimers())

  it('marks permission problems as error, retries with capped exponential backoff, then goes online', async () => {
    vi.useFakeTimers()
    const attempts: number[] = []
    let failures = 6
    const serial: SerialBinding = {
      open: async () => {
        attempts.push(Date.now())
        if (failures-- > 0) throw new DeviceOpenError('permission_denied', 'no permission to open /dev/ttyACM0')
        return { onData: () => {}, onClose: () => {}, write: async () => {}, close: async () => {} }
      },
    }
    const log = silentLogger()
    const bus = new EventBus(log)
    const states: string[] = []
    bus.on('t', 'device.state', (s) => void states.push(`${s.state}:${s.reason ?? ''}`))
    const pipeline = new ScanPipeline(
      { append: async () => Promise.reject(new Error('unused')), newId: () => '01JUNUSEDUNUSEDUNUSEDUNUSE' },
      bus,
      log,
    )
    const manager = new DeviceManager(
      { devices: [serialScanner('s', '/dev/ttyACM0')], reconnect: { initialMs: 100, maxMs: 800 } },
      { serial, hid: serial as never, stdin: null },
      pipeline,
      bus,
      log,
      () => 1, // no jitter: delays are exactly the exponential schedule
    )
    await manager.start()
    await vi.advanceTimersByTimeAsync(10_000)
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!)
    expect(gaps).toEqual([100, 200, 400, 800, 800, 800])
    expect(states).toEqual(['error:permission_denied', 'online:'])
    expect(manager.status()[0]).toMatchObject({ state: 'online', reason: null, nextRetryAt: null })
    await manager.stop()
  })
})
