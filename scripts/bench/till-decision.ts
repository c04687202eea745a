/**
 * till.decision: the last byte of a voucher written into a real pty → the scan journaled
 * and the redemption committed (one fsynced transaction with its event and outbox row)
 * → the result received on a cashier screen's SSE stream. The gateway runs as its own
 * process (the built `tillside start`); this process plays the scanner and the screen.
 *
 * The disk's own floor is measured side by side, interleaved sample for sample on the same
 * disk: one bare single-row INSERT committed with synchronous=FULL in WAL mode (one fsync,
 * what any durable decision pays). On a VM the fsync tail dominates the p99; Tillside's
 * own share is the decision less that floor (issue #13, item 12). The harness has a floor
 * too: the pty pair is two ptys joined by socat, a third process a real USB-CDC scanner
 * does not have. A second socat pair, read by this process, is timed beside it (the same
 * 121 bytes in, all of them out), and the share is reported without it as well.
 *
 * The hourly rollups (issue #16) must not cost the till: a second gateway, the same in
 * every way but started with TILLSIDE_ROLLUPS=off, stays idle for the figures above and then
 * takes every other scan on its own pty, so both meet the same disk and the same noise;
 * `rollup_cost` compares the two (two gateways on one disk: slower than the one alone).
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs'
import { ReadStream } from 'node:tty'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import Database from 'better-sqlite3'
import { stopGateway } from './gateway-process.js'
import { percentile, report, round } from './report.js'
import { ptyPair } from './pty.js'
import { openTillStream } from './till-stream.js'
import { BENCH_TOKEN, startTillGateway } from './till-gateway.js'

const SAMPLES = 1000
const WARMUP = 50
const TOKEN = BENCH_TOKEN

interface TillUnderTest {
  /** Writes the next voucher into the scanner's pty; resolves with the ms until the screen had the result. */
  scan(): Promise<number>
  stop(): Promise<void>
}

/** A gateway process with a pty scanner, its vouchers issued, a cashier's screen open on its SSE stream. */
async function startTill(dir: string, rollups: boolean, vouchers: number): Promise<TillUnderTest> {
  const { gateway, base, hostPath, stopPty } = await startTillGateway(
    dir,
    {},
    rollups ? {} : { TILLSIDE_ROLLUPS: 'off' },
  )
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    })
  const codes: string[] = []
  for (let i = 0; i < vouchers; i++) {
    const res = await post('/api/pos/vouchers/issue', { campaign: 1 }, { authorization: `Bearer ${TOKEN}` })
    codes.push(((await res.json()) as { code: string }).code)
  }
  const login = await post('/api/till/login', { pin: '1234' })
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!
  const results = await openTillStream(base, cookie)
  // The scanner must be online before the first write (the gateway opens the pty on start).
  await sleep(500)
  const fd = openSync(hostPath, 'r+')
  let next = 0
  return {
    async scan() {
      const code = codes[next++]!
      const shown = results.next()
      writeSync(fd, `${code}\r`) // 121 bytes: never blocks on the pty buffer
      const t0 = performance.now()
      if (!(await shown).ok) throw new Error(`bench voucher ${next} was not accepted`)
      return performance.now() - t0
    },
    async stop() {
      closeSync(fd)
      await results.close()
      await stopGateway(gateway)
      stopPty()
    },
  }
}

export async function benchTillDecision(dir: string): Promise<void> {
  const runs = SAMPLES + WARMUP
  const withRollups = await startTill(join(dir, 'rollups'), true, 2 * runs)
  const without = await startTill(join(dir, 'no-rollups'), false, runs)
  const floorDb = new Database(join(dir, 'floor.db'))
  floorDb.pragma('journal_mode = WAL')
  floorDb.pragma('synchronous = FULL')
  floorDb.exec('CREATE TABLE t (v INTEGER)')
  const floorInsert = floorDb.prepare('INSERT INTO t (v) VALUES (?)')
  // The relay's floor: bytes through a second socat pair into a tty read by this process.
  mkdirSync(join(dir, 'relay'))
  const relay = await ptyPair(join(dir, 'relay'))
  const relayIn = openSync(relay.hostPath, 'r+')
  const relayOut = new ReadStream(openSync(relay.devicePath, 'r+'))
  const relayed = { bytes: 0, done: null as (() => void) | null }
  relayOut.on('data', (chunk: Buffer) => {
    relayed.bytes += chunk.length
    if (relayed.bytes >= 121) relayed.done?.()
  })
  const samples: number[] = []
  const floor: number[] = []
  const relayFloor: number[] = []
  // First the decision on its own (the other gateway idle), beside the disk's and the relay's floors.
  for (let i = 0; i < runs; i++) {
    const f0 = performance.now()
    floorInsert.run(i)
    if (i >= WARMUP) floor.push(performance.now() - f0)
    relayed.bytes = 0
    const through = new Promise<void>((r) => (relayed.done = r))
    const r0 = performance.now()
    writeSync(relayIn, `${'x'.repeat(120)}\r`)
    await through
    if (i >= WARMUP) relayFloor.push(performance.now() - r0)
    const ms = await withRollups.scan()
    if (i >= WARMUP) samples.push(ms)
  }
  // Then with and without rollups, scan for scan, each going first in turn so neither always
  // meets the other's fsync in the disk queue.
  const paired: number[] = []
  const noRollups: number[] = []
  for (let i = 0; i < runs; i++) {
    const [a, b] = i % 2 === 0 ? [withRollups, without] : [without, withRollups]
    const first = await a.scan()
    const second = await b.scan()
    if (i < WARMUP) continue
    paired.push(a === withRollups ? first : second)
    noRollups.push(a === withRollups ? second : first)
  }
  closeSync(relayIn)
  relayOut.destroy()
  relay.stop()
  floorDb.close()
  await withRollups.stop()
  await without.stop()
  for (const xs of [samples, paired, noRollups, floor, relayFloor]) xs.sort((a, b) => a - b)
  const row = (metric: string, value: number, extra: object) =>
    report({ bench: 'till.decision', metric, value: round(value, 3), unit: 'ms', samples: SAMPLES, ...extra })
  for (const p of [50, 99] as const) {
    const decision = percentile(samples, p)
    const bare = percentile(floor, p)
    const socat = percentile(relayFloor, p)
    const plain = percentile(noRollups, p)
    const rolled = percentile(paired, p)
    row(`p${p}`, decision, {
      baseline: 'the floor: one bare single-row synchronous=FULL commit on the same disk, interleaved',
      baseline_value: round(bare, 3),
      ratio: round(decision / bare, 2),
    })
    row(`relay_floor_p${p}`, socat, {
      note: 'the harness: 121 bytes through a socat pty pair into a tty read by the bench',
    })
    row(`tillside_share_p${p}`, decision - bare, { without_relay: round(decision - bare - socat, 3) })
    row(`rollup_cost_p${p}`, rolled, {
      baseline: 'the same gateway without hourly rollups (TILLSIDE_ROLLUPS=off), scans alternated with it',
      baseline_value: round(plain, 3),
      ratio: round(rolled / plain, 3),
    })
  }
}
