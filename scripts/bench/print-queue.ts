/**
 * print.queue: a job accepted (durable, id returned) → its bytes on the wire and decoded
 * by the virtual printer over TCP, through the real queue: status check (DLE EOT 1..4),
 * the "printing" commit, the write.
 */
import { join } from 'node:path'
import { Journal } from '../../gateway/store/journal.js'
import { silentLogger } from '../../gateway/log.js'
import { PrintQueue } from '../../gateway/print/print-queue.js'
import { openTcpPrinter } from '../../drivers/printer/bindings/printer-port.js'
import { EscPosPrinter } from '../../drivers/printer/escpos-printer.js'
import { VirtualPrinter } from '../../drivers/printer/virtual-printer.js'
import { percentile, report, round } from './report.js'

const SAMPLES = 500
const WARMUP = 20

export async function benchPrintQueue(dir: string): Promise<void> {
  const journal = new Journal(join(dir, 'print.db'), silentLogger())
  await journal.start()
  const virtual = new VirtualPrinter()
  const port = await virtual.listenTcp(0)
  const queue = new PrintQueue(
    'bench',
    { cpl: 48, dots: 576, encoding: 'gb18030', nativeQr: true },
    async () => new EscPosPrinter(await openTcpPrinter('127.0.0.1', port, 1000), 500),
    journal,
    { pollMs: 1000, retryMs: 50 },
    silentLogger(),
  )
  await queue.start()
  const samples: number[] = []
  for (let i = 0; i < SAMPLES + WARMUP; i++) {
    const printed = new Promise((resolve) => virtual.once('receipt', resolve))
    await queue.enqueue(
      {
        blocks: [
          { type: 'text', text: `优惠券 ${i}`, size: 2 },
          { type: 'qr', data: `TS1:BENCH-${i}` },
          { type: 'cut' },
        ],
      },
      'bench',
    )
    const t0 = performance.now()
    await printed
    if (i >= WARMUP) samples.push(performance.now() - t0)
  }
  await queue.stop()
  await virtual.close()
  await journal.stop()
  samples.sort((a, b) => a - b)
  for (const p of [50, 99] as const)
    report({
      bench: 'print.queue',
      metric: `p${p}`,
      value: round(percentile(samples, p), 3),
      unit: 'ms',
      samples: SAMPLES,
    })
}
