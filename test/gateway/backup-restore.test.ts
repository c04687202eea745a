/**
 * A store's backup and restore as an operator runs them, through the real command and a
 * real gateway process: the archive is made while the gateway runs (old ones pruned), a
 * restore over the running gateway is refused, tampered archives are refused before
 * anything is touched, and after a wipe the restored store knows its vouchers — the used
 * one is still used, the other still redeems (the issuer key came back, mode 600).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
  chmodSync,
  appendFileSync,
} from 'node:fs'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import * as tar from 'tar'
import { runCli, startGatewayProcess } from '../helpers/cli.js'
import { tempDir } from '../helpers/tmp.js'

const POS = { authorization: 'Bearer dev-pos-token', 'content-type': 'application/json' }

describe('tillside backup and restore', () => {
  let tmp: ReturnType<typeof tempDir>
  let gateway: { child: ChildProcess; address: string } | null = null
  beforeEach(() => (tmp = tempDir()))
  afterEach(() => {
    gateway?.child.kill('SIGKILL')
    tmp.cleanup()
  })

  it('backs up a running store, refuses to restore over it, and brings it back whole after a wipe', async () => {
    const etc = join(tmp.dir, 'etc')
    mkdirSync(etc)
    copyFileSync('config/campaigns.example.yaml', join(etc, 'campaigns.yaml'))
    const config = join(etc, 'store.yaml')
    // Relative paths: from the config's folder, wherever the command runs.
    writeFileSync(
      config,
      `version: 2\nstore: { id: demo-store, name: Demo store, merchant: demo-merchant }
dataDir: ../data
dev: true
http: { host: 127.0.0.1, port: 0 }
devices: [{ id: sim, kind: scanner, role: till, transport: { type: simulator } }]
till: { posTokens: [{ name: pos, tokenHash: 'sha256$fa0036a3280905b59961d430fe373b439ef94dfbae4c275675226299f271b64c' }] }
vouchers: { campaignsFile: campaigns.yaml }
`,
    )
    const cli = (...args: string[]) => runCli([...args, '--config', config])
    const start = async () => (gateway = await startGatewayProcess(config))
    const post = (path: string, body: object) =>
      fetch(`${gateway!.address}${path}`, { method: 'POST', headers: POS, body: JSON.stringify(body) })
    const validate = async (code: string) =>
      (await (await post('/api/pos/vouchers/validate', { code })).json()) as { ok: boolean; reason?: string }
    const stop = async () => {
      const exited = new Promise((resolve) => gateway!.child.once('exit', resolve))
      gateway!.child.kill('SIGTERM')
      await exited
      gateway = null
    }

    await start()
    const issue = async () =>
      ((await (await post('/api/pos/vouchers/issue', { campaign: 1 })).json()) as { code: string }).code
    const used = await issue()
    const kept = await issue()
    expect((await post('/api/dev/scan', { device: 'sim', data: used })).status).toBe(201)
    expect((await validate(used)).reason).toBe('already_redeemed')

    const backups = join(tmp.dir, 'backups')
    mkdirSync(backups)
    const stale = join(backups, 'tillside-demo-store-2020-01-01-00-00.tar.gz')
    writeFileSync(stale, '')
    utimesSync(stale, new Date('2020-01-01'), new Date('2020-01-01'))
    const made = await cli('backup', '--dir', backups, '--keep-days', '7')
    expect(made.stderr).toBe('')
    expect(made.stdout).toMatch(
      /^backed up store demo-store → .*tillside-demo-store-.*\.tar\.gz \(\d+ events, \d+ files, integrity ok\)\nremoved 1 archive\(s\) older than 7 days\n$/,
    )
    const [archive] = readdirSync(backups).map((n) => join(backups, n))
    expect(statSync(archive!).mode & 0o777).toBe(0o600)

    const refused = await cli('restore', archive!)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(
      /another Tillside gateway \(pid \d+\) is using .*data; stop it .* Nothing was changed\.\n$/,
    )
    await stop()

    // Wiped: the data directory and the campaigns file beside the config.
    rmSync(join(tmp.dir, 'data'), { recursive: true })
    rmSync(join(etc, 'campaigns.yaml'))

    // A key file others could read, and a file changed after the backup: refused, nothing put in place.
    const unpacked = join(tmp.dir, 'unpacked')
    mkdirSync(unpacked)
    await tar.extract({ file: archive!, cwd: unpacked })
    const repack = async (name: string) => {
      await tar.create({ gzip: true, file: join(tmp.dir, name), cwd: unpacked }, readdirSync(unpacked))
      return join(tmp.dir, name)
    }
    chmodSync(join(unpacked, 'data', 'keys', 'issuer.key'), 0o644)
    const readable = await cli('restore', await repack('readable.tar.gz'))
    expect(readable.stderr).toMatch(/data\/keys\/issuer.key could be read by others \(mode 644\)/)
    chmodSync(join(unpacked, 'data', 'keys', 'issuer.key'), 0o600)
    appendFileSync(join(unpacked, 'data', 'keys', 'issuer.key'), '\n')
    const changed = await cli('restore', await repack('changed.tar.gz'))
    expect(changed.stderr).toMatch(/data\/keys\/issuer.key is not the file that was backed up/)
    expect(existsSync(join(tmp.dir, 'data', 'tillside.db'))).toBe(false)
    expect(existsSync(join(etc, 'campaigns.yaml'))).toBe(false)

    const restored = await cli('restore', archive!)
    expect(restored.stderr).toBe('')
    expect(restored.code).toBe(0)
    expect(restored.stdout).toContain(`put back ${join(etc, 'campaigns.yaml')}`)
    expect(statSync(join(tmp.dir, 'data', 'keys', 'issuer.key')).mode & 0o777).toBe(0o600)

    await start()
    expect((await validate(used)).reason).toBe('already_redeemed')
    expect(await validate(kept)).toMatchObject({ ok: true })
    expect((await post('/api/dev/scan', { device: 'sim', data: kept })).status).toBe(201)
    expect((await validate(kept)).reason).toBe('already_redeemed')
    await stop()
    // Over data that is there: it is set aside inside the data directory (the service user may write
    // there, not in /var/lib), and never goes into a later backup.
    const again = await cli('restore', archive!)
    expect(again.stdout).toMatch(/the data it replaced is in .*\/data\/before-restore-/)
    expect((await cli('backup', join(tmp.dir, 'after.tar.gz'))).code).toBe(0)
    const listed: string[] = []
    await tar.list({ file: join(tmp.dir, 'after.tar.gz'), onReadEntry: (e) => listed.push(e.path) })
    expect(listed.filter((p) => p.includes('before-restore'))).toEqual([])
    expect(listed).toContain('data/keys/issuer.key')
  }, 120_000)
})
