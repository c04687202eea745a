/**
 * The double-redemption race, for real: two processes (two tills) on one SQLite file
 * redeem the same 40 codes at the same moment, each in its own random order. Every code must succeed exactly once;
 * the journal stays contiguous with no seq given twice.
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

function startTill(configFile: string, codesFile: string, name: string): Promise<{ child: ChildProcess; result: Promise<{ ok: boolean; reason: string | null; key: string }[]> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, configFile, codesFile, name], { stdio: ['pipe', 'pipe', 'inherit'] })
  let out = ''
  return new Promise((resolve, reject) => {
    let resolveResult: (r: { ok: boolean; reason: string | null; key: string }[]) => void
    const result = new Promise<{ ok: boolean; reason: string | null; key: string }[]>((r) => (resolveResult = r))
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.startsWith('ready\n')) {
        const rest = out.slice(6)
        if (rest.endsWith('\n')) resolveResult(JSON.parse(rest) as { ok: boolean; reason: string | null; key: string }[])
        resolve({ child, result })
      }
    })
    child.on('exit', (code) => (code !== 0 ? reject(new Error(`till ${name} exited ${code}`)) : undefined))
  })
}

describe('two tills, one database, the same codes at once', () => {
  let tmp: ReturnType<typeof tempDir>
  let chain: TestChain
  let codes: string[]
  beforeAll(async () => {
    tmp = tempDir()
    chain = await makeChain(tmp.dir, [{ id: 'shop-a', merchant: 'm-a' }])
    const config = chain.stores.get('shop-a')!.config
    const journal = new Journal(databasePath(config), silentLogger())
    await journal.start()
    const vouchers = new VoucherService(VoucherAuthority.load(config, silentLogger()), journal, { voidWindowMs: 0 }, silentLogger())
    codes = []
    for (let i = 0; i < CODES; i++) codes.push((await vouchers.issue({ campaignId: 12, channel: 'cli' })).code)
    await journal.stop()
  })
  afterAll(() => tmp.cleanup())

  it('redeems each code exactly once across both processes', async () => {
    const config = chain.stores.get('shop-a')!.config
    const configFile = join(tmp.dir, 'config.json')
    const codesFile = join(tmp.dir, 'codes.json')
    writeFileSync(configFile, JSON.stringify(config))
    writeFileSync(codesFile, JSON.stringify(codes))
    const [t1, t2] = await Promise.all([startTill(configFile, codesFile, 'till-1'), startTill(configFile, codesFile, 'till-2')])
    t1.child.stdin!.write('go\n')
    t2.child.stdin!.write('go\n')
    const [r1, r2] = await Promise.all([t1.result, t2.result])
    for (let i = 0; i < CODES; i++) {
      const wins = [r1[i]!, r2[i]!].filter((r) => r.ok)
      expect(wins, `code ${i}`).toHaveLength(1)
      expect([r1[i]!, r2[i]!].find((r) => !r.ok)!.reason).toBe('already_redeemed')
    }
    // Both tills won some: they really interleaved.
    expect(r1.filter((r) => r.ok).length).toBeGreaterThan(0)
    expect(r2.filter((r) => r.ok).length).toBeGreaterThan(0)
    const db = new Database(databasePath(config), { readonly: true })
    expect(db.prepare('SELECT count(*) FROM redemptions').pluck().get()).toBe(CODES)
    expect(db.prepare('SELECT count(DISTINCT voucher_key) FROM redemptions').pluck().get()).toBe(CODES)
    expect(db.prepare('SELECT max(uses) FROM voucher_uses').pluck().get()).toBe(1)
    const seqs = db.prepare('SELECT seq FROM events ORDER BY seq').pluck().all() as number[]
    expect(seqs).toEqual(seqs.map((_, i) => i + 1)) // contiguous: no seq given twice or skipped
    expect(db.prepare("SELECT count(*) FROM events WHERE type = 'voucher.redeemed'").pluck().get()).toBe(CODES)
    expect(db.prepare("SELECT count(*) FROM events WHERE type = 'voucher.rejected'").pluck().get()).toBe(CODES)
    db.close()
  }, 60_000)
})
