// A store as its own process for the crash test: journal + sync to the broker given,
// producing events until killed (argv[4] = 'produce') or only draining what is there.
import { StoreEnd, storeConfig } from '../helpers/sync-harness.js'

const [dir, broker, mode] = process.argv.slice(2) as [string, string, string]
const store = await new StoreEnd(storeConfig(dir, 'shop-a', broker)).start()
process.stdout.write('ready\n')
if (mode === 'produce') store.producing(50, 2)
process.on('SIGTERM', () => void store.stop().then(() => process.exit(0)))
