// Child process for the crash test: appends under load and prints "seq id" for every
// append whose promise resolved (i.e. that the journal acknowledged), until killed.
import { Journal } from '../../gateway/store/journal.js'
import { silentLogger } from '../../gateway/log.js'

const file = process.argv[2]!
const journal = new Journal(file, silentLogger())
await journal.start()
process.stdout.write('ready\n')
const CONCURRENCY = 256
let n = 0
async function worker(): Promise<void> {
  for (;;) {
    const e = await journal.append({ type: 'crash.test', device: 'child', payload: { n: n++, pid: process.pid } })
    process.stdout.write(`${e.seq} ${e.id}\n`)
  }
}
await Promise.all(Array.from({ length: CONCURRENCY }, worker))
