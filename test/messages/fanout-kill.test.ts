/**
 * A fan-out across ten SIGKILLs: the built gateway (`tillside start`) sends an offer to
 * 30,000 followers from its back office and is killed ten times mid-way, each time after
 * it moved on; restarted, it resumes from the message's cursor. In the end every follower
 * has the message once and one voucher of it, none skipped, none twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import Database from 'better-sqlite3'
import { stringify } from 'yaml'
import { hashPassword } from '../../gateway/auth/secrets.js'
import { DB_FILE } from '../../gateway/runtime/gateway.js'
import { backOffice, writeFollowers } from '../../scripts/bench/followers.js'
import { startGatewayProcess } from '../helpers/cli.js'
import { campaign } from '../helpers/vouchers.js'
import { tempDir } from '../helpers/tmp.js'

const FOLLOWERS = 30_000
const KILLS = 10
const PASSWORD = 'kill test password'

describe('a message fan-out across SIGKILLs of the gateway', () => {
  let tmp: ReturnType<typeof tempDir>
  let configFile: string
  let dataDir: string
  let child: ChildProcess | null = null

  beforeAll(async () => {
    tmp = tempDir()
    dataDir = join(tmp.dir, 'data')
    mkdirSync(dataDir, { recursive: true })
    await writeFollowers(join(dataDir, DB_FILE), FOLLOWERS)
    const campaignsFile = join(tmp.dir, 'campaigns.yaml')
    writeFileSync(
      campaignsFile,
      stringify({
        campaigns: [campaign({ issuer: { merchant: 'm' }, redeemableAt: { merchants: ['m'], stores: [] } })],
      }),
    )
    configFile = join(tmp.dir, 'store.yaml')
    writeFileSync(
      configFile,
      stringify({
        store: { id: 'shop-k', name: 'Shop K', merchant: 'm' },
        dataDir,
        dev: true,
        http: { host: '127.0.0.1', port: 0 },
        vouchers: { campaignsFile },
        messages: { quietHours: null },
        admin: { users: [{ id: 'mgr', name: 'Manager', role: 'manager', passwordHash: await hashPassword(PASSWORD) }] },
      }),
    )
  }, 60_000)
  afterAll(() => {
    child?.kill('SIGKILL')
    tmp?.cleanup()
  })

  it('resumes after each kill: every follower once, with one voucher', async () => {
    const db = new Database(join(dataDir, DB_FILE), { readonly: true })
    const delivered = () => (db.prepare('SELECT delivered FROM messages').pluck().get() as number | undefined) ?? 0
    let run = await startGatewayProcess(configFile, { bundle: true })
    child = run.child
    const admin = await backOffice(run.address, 'mgr', PASSWORD)
    await admin.send({ title_en: 'Tea week', body_en: 'Taste our oolong.', audience: 'followers', campaign: '12' })
    let kills = 0
    let seen = 0
    while (kills < KILLS) {
      const started = Date.now()
      while (delivered() < seen + 500 && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 5))
      if (delivered() >= FOLLOWERS) break // finished before ten kills: the test would prove less
      const exited = new Promise((resolve) => run.child.once('exit', resolve))
      run.child.kill('SIGKILL')
      await exited
      kills++
      seen = delivered()
      run = await startGatewayProcess(configFile, { bundle: true })
      child = run.child
    }
    expect(kills).toBe(KILLS)
    const deadline = Date.now() + 120_000
    while (db.prepare('SELECT state FROM messages').pluck().get() !== 'sent' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50))
    const count = (sql: string) => db.prepare(sql).pluck().get() as number
    expect(count('SELECT delivered FROM messages')).toBe(FOLLOWERS)
    expect(count('SELECT count(*) FROM message_recipients')).toBe(FOLLOWERS)
    expect(count("SELECT count(*) FROM vouchers_issued WHERE channel = 'message'")).toBe(FOLLOWERS)
    expect(count("SELECT count(DISTINCT member) FROM vouchers_issued WHERE channel = 'message'")).toBe(FOLLOWERS)
    expect(count('SELECT count(*) FROM message_recipients WHERE voucher_serial IS NULL')).toBe(0)
    expect(
      count("SELECT sum(json_extract(payload, '$.delivered')) FROM events WHERE type = 'message.fanned_out'"),
    ).toBe(FOLLOWERS)
    db.close()
    const exited = new Promise((resolve) => run.child.once('exit', resolve))
    run.child.kill('SIGTERM')
    await exited
    child = null
  }, 300_000)
})
