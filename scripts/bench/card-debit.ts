/**
 * card.debit (issue #17): paying from the member card at the till, amount first — the
 * screen arms the payment (the cashier typed it), the member's QR is written into a real
 * pty, the debit commits in the scan's own transaction (ledger, balance, event, outbox),
 * and the result reaches the cashier screen's SSE stream. Timed from the last byte written
 * to the result received, as till.decision is, and side by side with it: voucher scans on
 * the same gateway, interleaved sample for sample. Goal: p99 within 1 ms of till.decision.
 */
import { closeSync, openSync, writeSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { stopGateway } from './gateway-process.js'
import { percentile, report, round } from './report.js'
import { BENCH_TOKEN, startTillGateway } from './till-gateway.js'
import { openTillStream } from './till-stream.js'

const SAMPLES = Number(process.env.TILLSIDE_BENCH_CARD_SAMPLES ?? 500)
const WARMUP = 30
const TOKEN = BENCH_TOKEN

export async function benchCardDebit(dir: string): Promise<void> {
  const { gateway, base, hostPath, stopPty } = await startTillGateway(dir, {
    cards: { maxBalance: 100_000_000, maxTopUp: 100_000_000, idCheckAbove: 100_000_000 },
  })
  const call = async (path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`)
    return res
  }
  const runs = SAMPLES + WARMUP
  const { memberId } = (await (
    await call('/api/pos/members', { phone: '13800138000', consents: { membership: true } })
  ).json()) as { memberId: string }
  await call('/api/pos/cards/topup', {
    idempotencyKey: 'bench-topup-1',
    memberId,
    amount: 100 * runs,
    payment: { method: 'cash' },
  })
  const codes: string[] = []
  for (let i = 0; i < runs; i++)
    codes.push(((await (await call('/api/pos/vouchers/issue', { campaign: 1 })).json()) as { code: string }).code)
  const login = await fetch(`${base}/api/till/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ pin: '1234' }),
  })
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!
  const results = await openTillStream(base, cookie)
  await sleep(500) // the gateway opens the pty on start: the scanner must be online before the first write
  const fd = openSync(hostPath, 'r+')
  /** Writes `text` into the scanner's pty; the ms until the screen had its result, which `check` must accept. */
  const scan = async (text: string, check: (r: Record<string, unknown>) => boolean): Promise<number> => {
    const shown = results.next()
    writeSync(fd, `${text}\r`)
    const t0 = performance.now()
    const r = await shown
    const ms = performance.now() - t0
    if (!check(r)) throw new Error(`card.debit: unexpected result ${JSON.stringify(r)}`)
    return ms
  }
  const debits: number[] = []
  const decisions: number[] = []
  for (let i = 0; i < runs; i++) {
    // Before the clock starts: the cashier types the amount; the member opens their QR.
    await call('/api/till/cards/arm', { idempotencyKey: `bench-debit-${i}`, amount: 100 }, { cookie })
    const { code } = (await (await call(`/api/pos/members/${memberId}/code`)).json()) as { code: string }
    const debit = await scan(code, (r) => (r.cardMove as { ok?: boolean } | undefined)?.ok === true)
    const decision = await scan(codes[i]!, (r) => r.ok === true)
    if (i < WARMUP) continue
    debits.push(debit)
    decisions.push(decision)
  }
  closeSync(fd)
  await results.close()
  await stopGateway(gateway)
  stopPty()
  debits.sort((a, b) => a - b)
  decisions.sort((a, b) => a - b)
  for (const p of [50, 99] as const) {
    const mine = percentile(debits, p)
    const theirs = percentile(decisions, p)
    report({
      bench: 'card.debit',
      metric: `p${p}`,
      value: round(mine, 3),
      unit: 'ms',
      baseline: 'till.decision (a voucher scan), interleaved on the same gateway',
      baseline_value: round(theirs, 3),
      ratio: round(mine / theirs, 3),
      difference_ms: round(mine - theirs, 3),
      samples: SAMPLES,
    })
  }
}
