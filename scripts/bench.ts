// `npm run bench`: Tillside's performance figures, one JSON object per line on stdout.
// Runs against the built code (dist/) — what a store runs. Human notes go to stderr.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hasProgram } from './system-programs.js'
import { benchJournalAppend } from './bench/journal-append.js'
import { benchScanLatency } from './bench/scan-latency.js'
import { benchGatewayStart } from './bench/gateway-start.js'
import { benchVoucherVerify } from './bench/voucher-verify.js'
import { benchTillDecision } from './bench/till-decision.js'
import { benchPrintRender } from './bench/print-render.js'
import { benchPrintQueue } from './bench/print-queue.js'
import { benchSyncDrain } from './bench/sync-drain.js'
import { benchSyncReconnect } from './bench/sync-reconnect.js'
import { benchKiosk } from './bench/kiosk.js'
import { benchPortalLogin, benchPortalProbe } from './bench/portal.js'
import { benchSoak } from './bench/soak.js'
import { benchAdminFigures } from './bench/admin-figures.js'
import { benchMembersSegments } from './bench/members-segments.js'
import { benchCardDebit } from './bench/card-debit.js'
import { benchCardChain } from './bench/card-chain.js'
import { benchPaymentCharge } from './bench/payment-charge.js'
import { benchMessageFanout } from './bench/message-fanout.js'
import { benchCloudIngest } from './bench/cloud-ingest.js'
import { benchCloudReport } from './bench/cloud-report.js'

const only = process.argv[2]
const benches: [string, (dir: string) => Promise<void>, string?][] = [
  ['journal.append', benchJournalAppend],
  ['scan.latency', benchScanLatency, 'socat'],
  ['gateway.start', benchGatewayStart],
  ['voucher.verify', benchVoucherVerify],
  ['till.decision', benchTillDecision, 'socat'],
  ['card.debit', benchCardDebit, 'socat'],
  ['card.chain_debit', benchCardChain, 'mosquitto'],
  ['payment.charge', benchPaymentCharge, 'openssl'],
  ['message.fanout', benchMessageFanout, 'socat'],
  ['print.render', benchPrintRender],
  ['print.queue', benchPrintQueue],
  ['sync.drain', benchSyncDrain, 'mosquitto'],
  ['sync.reconnect', benchSyncReconnect, 'mosquitto'],
  ['cloud.ingest', benchCloudIngest, 'initdb'],
  ['cloud.report', benchCloudReport, 'initdb'],
  ['kiosk', benchKiosk, 'chromium'],
  ['portal.probe', benchPortalProbe],
  ['portal.login', benchPortalLogin, 'nft'],
  ['admin.figures', benchAdminFigures],
  ['members.segments', benchMembersSegments],
  ['soak.rss', benchSoak],
]

for (const [name, run, needs] of benches) {
  if (only && only !== name) continue
  if (needs && !hasProgram(needs)) {
    process.stderr.write(`bench ${name}: SKIPPED — ${needs} is not installed (run scripts/setup-system)\n`)
    continue
  }
  const dir = mkdtempSync(join(tmpdir(), `tillside-bench-${name}-`))
  try {
    await run(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
