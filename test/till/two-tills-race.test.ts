/**
 * The double-redemption race, for real: two processes (two tills) on one SQLite file
 * redeem the same 40 codes at the same moment, each in its own random order. Every code must succeed exactly once;
 * the journal stays contiguous with no seq given twice. On a loaded machine the scheduler
 * can run one till's whole round before the other wakes, which proves nothing about the
 * race, so a round that did not interleave is run again with fresh codes (up to ROUNDS).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { Journal } from '../../gateway/store/journal.js'
import { silentLogger } from '../../gateway/log.js'
import { databasePath } from '../../gateway/runtime/gateway.js'
import { VoucherAuthority } from '../../gateway/vouchers/voucher-authority.js'
import { VoucherService } from '../../gateway/vouchers/voucher-service.js'
import { tempDir } from '../helpers/tmp.js'
import { makeChain, type TestChain } from '../helpers/vouchers.js'

const CHILD = fileURLToPath(new URL('./redeem-child.ts', import.meta.url))
const CODES = 40
const ROUNDS = 4

function startTill(
  configFile: string,
  codesFile: string,
  name: string,
): Promise<{ child: ChildProcess; result: Promise<{ ok: boolean; reason: string | null; key: string }[]> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, configFile, codesFile, name], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  let out = ''
  return new Promise((resolve, reject) => {
    let resolveResult: (r: { ok: boolean; reason: string | null; key: string }[]) => void
    const result = new Promise<{ ok: boolean; reason: string | null; key: string }[]>((r) => (resolveResult = r))
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.startsWith('ready\n')) {
        const rest = out.slice(6)
        if (rest.endsWith('\n'))
          resolveResult(JSON.parse(rest) as { ok: boolean; reason: string | null; key: string }[])
        resolve({ child, result })
      }
    })
    child.on('exit', (code) => (code !== 0 ? reject(new Error(`till ${name} exited ${code}`)) : undefined))
  })
}

describe('two tills, one database, the same codes at once', () => {
  let tmp: ReturnType<typeof tempDir>
  let chain: TestChain
  let rounds: string[][]
  beforeAll(async () => {
    tmp = tempDir()
    chain = await makeChain(tmp.dir, [{ id: 'shop-a', merchant: 'm-a' }])
    const config = chain.stores.get('shop-a')!.config
    const journal = new Journal(databasePath(config), silentLogger())
    await journal.start()
    const vouchers = new VoucherService(
      VoucherAuthority.load(config, silentLogger()),
      journal,
      { voidWindowMs: 0 },
      silentLogger(),
    )
    rounds = []
    for (let r = 0; r < ROUNDS; r++) {
      const codes: string[] = []
      for (let i = 0; i < CODES; i++) codes.push((await vouchers.issue({ campaignId: 12, channel: 'cli' })).code)
      rounds.push(codes)
    }
    await journal.stop()
  })
  afterAll(() => tmp.cleanup())

  it('redeems each code exactly once across both processes', async () => {
    const config = chain.stores.get('shop-a')!.config
    const configFile = join(tmp.dir, 'config.json')
    writeFileSync(configFile, JSON.stringify(config))
    let played = 0
    let interleaved = false
    for (const codes of rounds) {
      const codesFile = join(tmp.dir, `codes-${played}.json`)
      writeFileSync(codesFile, JSON.stringify(codes))
      const [t1, t2] = await Promise.all([
        startTill(configFile, codesFile, 'till-1'),
        startTill(configFile, codesFile, 'till-2'),
      ])
      t1.child.stdin!.write('go\n')
      t2.child.stdin!.write('go\n')
      const [r1, r2] = await Promise.all([t1.result, t2.result])
      played++
      for (let i = 0; i < CODES; i++) {
        const wins = [r1[i]!, r2[i]!].filter((r) => r.ok)
        expect(wins, `code ${i}`).toHaveLength(1)
        expect([r1[i]!, r2[i]!].find((r) => !r.ok)!.reason).toBe('already_redeemed')
      }
      // Both tills won some: they really interleaved.
      interleaved = r1.some((r) => r.ok) && r2.some((r) => r.ok)
      if (interleaved) break
    }
    expect(interleaved, `the two tills never interleaved in ${played} rounds`).toBe(true)
    const total = played * CODES
    const db = new Database(databasePath(config), { readonly: true })
    expect(db.prepare('SELECT count(*) FROM redemptions').pluck().get()).toBe(total)
    expect(db.prepare('SELECT count(DISTINCT voucher_key) FROM redemptions').pluck().get()).toBe(total)
    expect(db.prepare('SELECT max(uses) FROM voucher_uses').pluck().get()).toBe(1)
    const seqs = db.prepare('SELECT seq FROM events ORDER BY seq').pluck().all() as number[]
    expect(seqs).toEqual(seqs.map((_, i) => i + 1)) // contiguous: no seq given twice or skipped
    expect(db.prepare("SELECT count(*) FROM events WHERE type = 'voucher.redeemed'").pluck().get()).toBe(total)
    expect(db.prepare("SELECT count(*) FROM events WHERE type = 'voucher.rejected'").pluck().get()).toBe(total)
    db.close()
  }, 120_000)
})
