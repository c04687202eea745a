/**
 * `tillside payments reconcile`: a day's charges and refunds in the journal against the
 * provider's bill for that day (docs/payments.md). Reads the database read-only, so it
 * runs beside a running gateway; prints the differences; exit 1 when there are any.
 */
import { existsSync, readFileSync } from 'node:fs'
import Database from 'better-sqlite3'
import type { Config } from '../../config/schema.js'
import { databasePath } from '../runtime/gateway.js'
import { paymentRecords } from '../store/read/payment-reads.js'
import { BillError, parseAlipayBill, parseWechatBill } from '../payments/reconcile/bills.js'
import { reconcile, type Difference } from '../payments/reconcile/reconcile.js'
import { toDecimal } from '../payments/money.js'

const DAY_MS = 86_400_000
const WORDS: Record<Difference['kind'], string> = {
  not_recorded: 'in the bill, NOT in the journal (money taken that Tillside did not record)',
  not_in_bill: 'in the journal, not in the bill',
  amount_differs: 'amounts differ',
}

export function runReconcile(
  config: Config,
  opts: { provider?: string; file?: string; date?: string; json?: boolean },
): number {
  const fail = (message: string) => (process.stderr.write(`tillside payments reconcile: ${message}\n`), 2)
  if (opts.provider !== 'alipay' && opts.provider !== 'wechat') return fail('--provider must be alipay or wechat')
  if (!opts.file || !existsSync(opts.file)) return fail('--file must name the downloaded bill')
  if (!opts.date || !/^\d{4}-\d{2}-\d{2}$/.test(opts.date)) return fail('--date must be the bill’s day, YYYY-MM-DD')
  const from = new Date(`${opts.date}T00:00:00`).getTime() // the store's own midnight
  if (Number.isNaN(from)) return fail(`--date ${opts.date} is not a day`)
  let bill
  try {
    const raw = readFileSync(opts.file)
    bill = opts.provider === 'alipay' ? parseAlipayBill(raw) : parseWechatBill(raw)
  } catch (err) {
    if (err instanceof BillError) return fail(err.message)
    throw err
  }
  const db = new Database(databasePath(config), { readonly: true, fileMustExist: true })
  try {
    const day = paymentRecords(db, opts.provider, from, from + DAY_MS)
    const around = paymentRecords(db, opts.provider, from - DAY_MS, from + 2 * DAY_MS)
    const differences = reconcile(bill, { day, around })
    if (opts.json)
      process.stdout.write(`${JSON.stringify({ date: opts.date, provider: opts.provider, differences })}\n`)
    else {
      const money = (n: number | null) => (n === null ? '—' : toDecimal(n))
      process.stdout.write(
        `${opts.provider} ${opts.date}: bill ${bill.length} line(s); journal ${day.charges.length} charge(s), ${day.refunds.length} refund(s)\n`,
      )
      for (const d of differences)
        process.stdout.write(
          `  ${d.what} ${d.reference ?? '?'} (${d.transactionId ?? '?'}): ${WORDS[d.kind]} — ours ${money(d.ours)}, bill ${money(d.theirs)}\n`,
        )
      process.stdout.write(differences.length === 0 ? '  no differences\n' : `  ${differences.length} difference(s)\n`)
    }
    return differences.length === 0 ? 0 : 1
  } finally {
    db.close()
  }
}
