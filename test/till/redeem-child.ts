// Child process for the two-tills race: opens the shared database with its own journal
// writer, waits for "go" on stdin, redeems every code given at once, prints the outcomes.
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { Journal } from '../../gateway/store/journal.js'
import { silentLogger } from '../../gateway/log.js'
import { databasePath } from '../../gateway/runtime/gateway.js'
import { VoucherAuthority } from '../../gateway/vouchers/voucher-authority.js'
import { VoucherService } from '../../gateway/vouchers/voucher-service.js'
import type { Config } from '../../config/schema.js'

const [configFile, codesFile, till] = process.argv.slice(2) as [string, string, string]
const config = JSON.parse(readFileSync(configFile, 'utf8')) as Config
const codes = JSON.parse(readFileSync(codesFile, 'utf8')) as string[]
const journal = new Journal(databasePath(config), silentLogger())
await journal.start()
const vouchers = new VoucherService(
  VoucherAuthority.load(config, silentLogger()),
  journal,
  { voidWindowMs: 0 },
  silentLogger(),
)
// Warm the verify and read paths so both tills start the race at full speed.
for (const code of codes) vouchers.validate(code)
process.stdout.write('ready\n')
for await (const line of createInterface({ input: process.stdin })) {
  if (line !== 'go') continue
  // Each till works through the codes in its own random order, one at a time, so the two
  // processes interleave and fight over the write lock code by code.
  const order = codes.map((_, i) => i).sort(() => Math.random() - 0.5)
  const outcomes: { ok: boolean; reason: string | null; key?: string }[] = new Array(codes.length)
  for (const i of order) {
    const o = await vouchers.redeem(codes[i]!, { device: till, cashier: null, source: { till } })
    outcomes[i] = { ok: o.ok, reason: o.ok ? null : o.reason, key: o.voucher?.key }
  }
  process.stdout.write(`${JSON.stringify(outcomes)}\n`)
  break
}
await journal.stop()
