/** The durable print queue against the virtual printer over real TCP. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { Journal } from '../../gateway/store/journal.js'
import { silentLogger } from '../../gateway/log.js'
import { PrintQueue } from '../../gateway/print/print-queue.js'
import { openTcpPrinter } from '../../drivers/printer/bindings/printer-port.js'
import { EscPosPrinter } from '../../drivers/printer/escpos-printer.js'
import { VirtualPrinter, receiptText } from '../../drivers/printer/virtual-printer.js'
import { PrintRenderError, type PrinterProfile } from '../../drivers/printer/escpos/encoder.js'
import type { PrintDocument } from '../../drivers/printer/escpos/document.js'
import { tempDir } from '../helpers/tmp.js'
import { waitFor } from '../helpers/wait.js'

const PROFILE: PrinterProfile = { cpl: 32, dots: 384, encoding: 'gb18030', nativeQr: true }
const slip = (n: number): PrintDocument => ({
  blocks: [{ type: 'text', text: `票据 ${n}` }, { type: 'qr', data: `TS1:JOB-${n}` }, { type: 'cut' }],
})

describe('print queue', () => {
  let tmp: ReturnType<typeof tempDir>
  let journal: Journal
  let virtual: VirtualPrinter
  let port: number
  let queue: PrintQueue
  const printed = () => virtual.receipts.map((r) => receiptText(r)[0])
  const jobStates = () => journal.reader.prepare('SELECT state FROM print_jobs ORDER BY position').pluck().all()

  beforeEach(async () => {
    tmp = tempDir()
    journal = new Journal(join(tmp.dir, 'store.db'), silentLogger())
    await journal.start()
    virtual = new VirtualPrinter()
    port = await virtual.listenTcp(0)
    // A status answer on a loaded machine can take a while: 2 s before "no answer".
    queue = new PrintQueue(
      'receipt',
      PROFILE,
      async () => new EscPosPrinter(await openTcpPrinter('127.0.0.1', port, 500), 2000),
      journal,
      { pollMs: 100, retryMs: 50 },
      silentLogger(),
    )
    await queue.start()
  })
  afterEach(async () => {
    await queue.stop()
    await virtual.close()
    await journal.stop()
    tmp.cleanup()
  })

  it('holds jobs while out of paper, then prints them all in order exactly once', async () => {
    virtual.condition.paperOut = true
    const ids = []
    for (let n = 1; n <= 5; n++) ids.push((await queue.enqueue(slip(n), 'test')).jobId)
    await waitFor(() => queue.status().state === 'paper_out', 'paper_out reported')
    await new Promise((r) => setTimeout(r, 300))
    expect(virtual.receipts).toHaveLength(0)
    expect(queue.status()).toMatchObject({ state: 'paper_out', queued: 5 })
    virtual.condition.paperOut = false
    await waitFor(() => virtual.receipts.length === 5, 'five receipts')
    expect(printed()).toEqual(['票据 1', '票据 2', '票据 3', '票据 4', '票据 5'])
    await waitFor(() => jobStates().every((s) => s === 'done'), 'all done')
    expect(virtual.receipts[2]!.items.find((i) => i.type === 'qr')).toMatchObject({ data: 'TS1:JOB-3' })
    expect(ids).toHaveLength(new Set(ids).size)
  })

  it('prints a job once per request key, however often it is requested', async () => {
    const a = await queue.enqueue(slip(7), 'test', 'kiosk-play-42')
    const b = await queue.enqueue(slip(7), 'test', 'kiosk-play-42')
    expect(b).toMatchObject({ jobId: a.jobId, repeated: true })
    await waitFor(() => virtual.receipts.length === 1, 'one receipt')
    await new Promise((r) => setTimeout(r, 200))
    expect(virtual.receipts).toHaveLength(1)
  })

  it('refuses a document the printer cannot print at once, and keeps printing the rest', async () => {
    await expect(queue.enqueue({ blocks: [{ type: 'qr', data: 'x'.repeat(4000) }] }, 'test')).rejects.toBeInstanceOf(
      PrintRenderError,
    )
    await queue.enqueue(slip(1), 'test')
    await waitFor(() => virtual.receipts.length === 1, 'the good job printed')
  })

  it('prints blind to a printer configured without a status channel', async () => {
    await queue.stop()
    queue = new PrintQueue(
      'blind',
      PROFILE,
      async () => new EscPosPrinter(await openTcpPrinter('127.0.0.1', port, 500), 200, false),
      journal,
      { pollMs: 100, retryMs: 50 },
      silentLogger(),
    )
    await queue.start()
    virtual.statusMode = 'silent'
    await queue.enqueue(slip(9), 'test')
    await waitFor(() => virtual.receipts.length === 1, 'printed without status')
    expect(queue.status()).toMatchObject({ state: 'online', problem: 'no_status_channel' })
  })

  it('waits for a printer that answers nothing, and for one that is gone, then prints', async () => {
    virtual.statusMode = 'silent'
    await queue.enqueue(slip(1), 'test')
    await waitFor(
      () => queue.status().problem === 'no answer to status request' || queue.status().state === 'offline',
      'offline reported',
    )
    expect(virtual.receipts).toHaveLength(0)
    virtual.statusMode = 'normal'
    await waitFor(() => virtual.receipts.length === 1, 'printed after it answered again')
    await virtual.close() // unplugged
    await queue.enqueue(slip(2), 'test')
    await waitFor(() => queue.status().state === 'disconnected', 'disconnected')
    const again = new VirtualPrinter()
    await again.listenTcp(port)
    virtual = again
    await waitFor(() => again.receipts.length === 1, 'printed after replug', 5000)
    expect(printed()).toEqual(['票据 2'])
  })

  it('never sends a job again whose outcome is unknown: no status after the bytes, or paper out right after', async () => {
    // The printer prints job 1, then stops answering: was it printed? A person decides.
    virtual.once('receipt', () => (virtual.statusMode = 'silent'))
    const first = await queue.enqueue(slip(1), 'test')
    await waitFor(() => jobStates()[0] === 'interrupted', 'job 1 interrupted')
    virtual.statusMode = 'normal'
    // Job 2 ran the printer out of paper as it finished: interrupted too, not printed again with new paper.
    virtual.once('receipt', () => (virtual.condition.paperOut = true))
    await queue.enqueue(slip(2), 'test')
    await waitFor(() => jobStates()[1] === 'interrupted', 'job 2 interrupted')
    virtual.condition.paperOut = false
    await queue.enqueue(slip(3), 'test')
    await waitFor(() => jobStates()[2] === 'done', 'job 3 printed')
    expect(printed()).toEqual(['票据 1', '票据 2', '票据 3'])
    const why = journal.reader.prepare('SELECT last_error FROM print_jobs WHERE id = ?').pluck().get(first.jobId)
    expect(why).toMatch(/offline \(no_answer\) right after printing/)
    expect(journal.reader.prepare("SELECT count(*) FROM events WHERE type = 'print.interrupted'").pluck().get()).toBe(2)
  })
})
