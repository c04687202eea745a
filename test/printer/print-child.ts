// Child process for the print-queue crash test: a journal and a print queue to the
// virtual printer on the given port; with "enqueue N" it first queues N slips. A long
// status timeout: the crash test holds a status answer back and kills us while we wait.
import { Journal } from '../../gateway/store/journal.js'
import { silentLogger } from '../../gateway/log.js'
import { PrintQueue } from '../../gateway/print/print-queue.js'
import { openTcpPrinter } from '../../drivers/printer/bindings/printer-port.js'
import { EscPosPrinter } from '../../drivers/printer/escpos-printer.js'

const [file, port, enqueue] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4] ?? 0)]
const journal = new Journal(file, silentLogger())
await journal.start()
const queue = new PrintQueue(
  'p',
  { cpl: 32, dots: 384, encoding: 'gb18030', nativeQr: true },
  async () => new EscPosPrinter(await openTcpPrinter('127.0.0.1', port, 500), 10_000),
  journal,
  { pollMs: 20, retryMs: 20 },
  silentLogger(),
)
for (let n = 1; n <= enqueue; n++)
  await queue.enqueue({ blocks: [{ type: 'text', text: `job ${n}` }, { type: 'cut' }] }, 'test')
process.stdout.write('ready\n')
await queue.start()
