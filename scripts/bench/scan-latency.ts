/**
 * scan.latency: last byte of a scan written into a real pty → the scan is durable in the
 * journal and delivered on the bus. Through serialport, the framer, the decoder, the
 * device manager, group commit (fsync) and the bus — the production path.
 */
import { openSync, closeSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Journal } from '../../gateway/store/journal.js'
import { EventBus } from '../../gateway/bus.js'
import { ScanPipeline } from '../../gateway/scan/scan-pipeline.js'
import { DeviceManager } from '../../gateway/devices/device-manager.js'
import { silentLogger } from '../../gateway/log.js'
import { serialportBinding } from '../../drivers/bindings/serial.js'
import { createNodeHidBinding } from '../../drivers/bindings/hid.js'
import { percentile, report, round } from './report.js'
import { ptyPair } from './pty.js'

const SAMPLES = 1000

export async function benchScanLatency(dir: string): Promise<void> {
  const { devicePath, hostPath, stop: stopPty } = await ptyPair(dir)
  const log = silentLogger()
  const journal = new Journal(join(dir, 'latency.db'), log)
  const bus = new EventBus(log)
  const pipeline = new ScanPipeline(journal, bus, log)
  const devices = new DeviceManager(
    {
      devices: [
        {
          id: 'bench',
          kind: 'scanner',
          role: 'till',
          symbologyIds: 'aim',
          stripPrefix: '',
          stripSuffix: '',
          transport: {
            type: 'serial',
            path: devicePath,
            baudRate: 115200,
            dataBits: 8,
            parity: 'none',
            stopBits: 1,
            framing: 'CR',
            idleGapMs: 50,
            maxFrameBytes: 4096,
            encoding: 'utf8',
          },
        },
      ],
      reconnect: { initialMs: 50, maxMs: 500 },
    },
    { serial: serialportBinding, hid: createNodeHidBinding('hidraw'), stdin: null },
    pipeline,
    bus,
    log,
  )
  await journal.start()
  await devices.start()
  while (devices.status()[0]!.state !== 'online') await sleep(5)
  const fd = openSync(hostPath, 'r+')
  let resolveScan: (() => void) | null = null
  bus.on('bench', 'scan', () => resolveScan?.())
  const samples: number[] = []
  for (let i = 0; i < SAMPLES + 50; i++) {
    const seen = new Promise<void>((r) => (resolveScan = r))
    writeSync(fd, `]Q1TS1:LATENCY-${i}\r`) // ~20 bytes: never blocks on the pty buffer
    const t0 = performance.now()
    await seen
    if (i >= 50) samples.push(performance.now() - t0) // first 50 are warm-up
  }
  closeSync(fd)
  await devices.stop()
  await journal.stop()
  stopPty()
  samples.sort((a, b) => a - b)
  for (const p of [50, 99] as const) {
    report({
      bench: 'scan.latency',
      metric: `p${p}`,
      value: round(percentile(samples, p), 3),
      unit: 'ms',
      samples: SAMPLES,
    })
  }
}
