/**
 * scripts/install's work (`tillside install`) into a folder standing in for / (--prefix):
 * a first install puts the release, units and data directory in place and starts it; an
 * upgrade to a release that never becomes healthy rolls back by itself to the previous
 * release and the data backed up before (its migration undone); a good upgrade switches and
 * prunes. The service manager is a script of the test's that starts the release's
 * `tillside start` and answers is-active; the releases are small stand-ins whose
 * start, backup, restore and doctor act out a real one's.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import * as tar from 'tar'
import { freePort } from '../../scripts/bench/gateway-process.js'
import { loadConfigFile } from '../../config/load.js'
import { writeStoreConfig } from '../../gateway/cli/install/store-config.js'
import { runCli } from '../helpers/cli.js'
import { tempDir } from '../helpers/tmp.js'

/** A stand-in release's tillside.js: `start` serves /healthz (or dies, "bad"), and "migrates" state.txt. */
const FAKE_CLI = (version: string, bad: boolean) => `
import { createServer } from 'node:http'
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
const [cmd, ...rest] = process.argv.slice(2)
const config = readFileSync(rest[rest.indexOf('--config') + 1], 'utf8')
const data = /dataDir: (.+)/.exec(config)[1].trim()
const state = data + '/state.txt'
if (cmd === 'doctor') console.log('✓ all good (${version})')
else if (cmd === 'start') {
  if (!existsSync(state)) writeFileSync(state, 'data of ${version}')
  else if (!readFileSync(state, 'utf8').includes('${version}')) writeFileSync(state, readFileSync(state, 'utf8') + ', migrated by ${version}')
  if (${bad}) process.exit(1)
  const port = Number(/port: (\\d+)/.exec(config)[1])
  createServer((req, res) => res.end('${version}')).listen(port, '127.0.0.1')
} else if (cmd === 'backup') {
  const dir = rest[rest.indexOf('--dir') + 1]
  copyFileSync(state, dir + '/tillside-shop-i-' + Date.now() + '.tar.gz')
} else if (cmd === 'restore') copyFileSync(rest[0], state)
else process.exit(2)
`

/** The test's systemd: starts current's `tillside start` in the background, stops it, says whether it runs. */
const FAKE_SYSTEMCTL = (prefix: string, pidFile: string) => `#!/usr/bin/env bash
cli="${prefix}/opt/tillside/current/dist/bundle/tillside.js"
start() { node "$cli" start --config "${prefix}/etc/tillside/store.yaml" </dev/null >/dev/null 2>&1 & echo $! > "${pidFile}"; }
stop() { [ -f "${pidFile}" ] && kill "$(cat "${pidFile}")" 2>/dev/null; rm -f "${pidFile}"; sleep 0.2; }
case "$1" in
  daemon-reload) ;;
  enable) start ;;
  start) start ;;
  restart) stop; start ;;
  stop) stop ;;
  is-active) [ -f "${pidFile}" ] && kill -0 "$(cat "${pidFile}")" 2>/dev/null ;;
  *) echo "unknown: $*" >&2; exit 2 ;;
esac
`

describe('tillside install', () => {
  let tmp: ReturnType<typeof tempDir>
  let prefix: string
  let systemctl: string
  beforeEach(() => {
    tmp = tempDir()
    prefix = join(tmp.dir, 'root')
    systemctl = join(tmp.dir, 'systemctl')
    writeFileSync(systemctl, FAKE_SYSTEMCTL(prefix, join(tmp.dir, 'service.pid')))
    chmodSync(systemctl, 0o755)
  })
  afterEach(() => {
    const pid = join(tmp.dir, 'service.pid')
    if (existsSync(pid)) process.kill(Number(readFileSync(pid, 'utf8')), 'SIGKILL')
    tmp.cleanup()
  })

  function release(version: string, bad = false): string {
    const dir = join(tmp.dir, 'releases', version)
    mkdirSync(join(dir, 'dist/bundle'), { recursive: true })
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'tillside', version, type: 'module' }))
    writeFileSync(join(dir, 'dist/bundle/tillside.js'), FAKE_CLI(version, bad))
    cpSync('scripts/systemd', join(dir, 'scripts/systemd'), { recursive: true })
    cpSync('scripts/udev', join(dir, 'scripts/udev'), { recursive: true })
    return dir
  }
  /** As npm pack makes it: everything under package/. */
  async function tarball(version: string, bad = false): Promise<string> {
    const dir = release(version, bad)
    const staging = join(tmp.dir, 'pack', version)
    cpSync(dir, join(staging, 'package'), { recursive: true })
    const file = join(tmp.dir, `tillside-${version}.tgz`)
    await tar.create({ gzip: true, file, cwd: staging }, ['package'])
    return file
  }
  const install = (...args: string[]) =>
    runCli(['install', '--prefix', prefix, '--systemctl', systemctl, '--yes', '--health-timeout', '8', ...args])

  it('installs, rolls a bad upgrade back with its data, and takes a good one', async () => {
    // The store's config is the installer's to keep: written first here, with a free port.
    const port = await freePort()
    mkdirSync(join(prefix, 'etc/tillside'), { recursive: true })
    writeFileSync(
      join(prefix, 'etc/tillside/store.yaml'),
      `store: { id: shop-i, name: Shop I }\ndataDir: ${join(prefix, 'var/lib/tillside')}\nhttp: { host: 127.0.0.1, port: ${port} }\n`,
    )
    const first = await install('--release', release('1.0.0'))
    expect(first.stderr).toBe('')
    expect(first.stdout).toContain('Tillside 1.0.0 is running')
    expect(first.stdout).toContain(`kept ${join(prefix, 'etc/tillside/store.yaml')}`)
    expect(readlinkSync(join(prefix, 'opt/tillside/current'))).toBe('releases/1.0.0')
    expect(readdirSync(join(prefix, 'etc/systemd/system')).sort()).toEqual([
      'tillside-backup.service',
      'tillside-backup.timer',
      'tillside-kiosk.service',
      'tillside.service',
    ])
    expect(statSync(join(prefix, 'var/lib/tillside')).mode & 0o777).toBe(0o700)
    expect(readdirSync(join(prefix, 'etc/udev/rules.d'))).toEqual(['60-tillside.rules'])
    const state = () => readFileSync(join(prefix, 'var/lib/tillside/state.txt'), 'utf8')
    expect(state()).toBe('data of 1.0.0')

    const bad = await install('--upgrade', await tarball('2.0.0-bad', true))
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(
      /2\.0\.0-bad did not become healthy within 8 s; rolled back to 1\.0\.0 with the data of tillside-shop-i-\d+\.tar\.gz, which is running/,
    )
    expect(readlinkSync(join(prefix, 'opt/tillside/current'))).toBe('releases/1.0.0')
    expect(state()).toBe('data of 1.0.0') // its half-done migration undone
    expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).text()).toBe('1.0.0')

    const good = await install('--upgrade', await tarball('2.0.0'))
    expect(good.stderr).toBe('')
    expect(good.stdout).toMatch(/upgraded 1\.0\.0 → 2\.0\.0 \(removed 2\.0\.0-bad\)/)
    expect(readdirSync(join(prefix, 'opt/tillside/releases')).sort()).toEqual(['1.0.0', '2.0.0'])
    expect(state()).toBe('data of 1.0.0, migrated by 2.0.0')
    expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).text()).toBe('2.0.0')
    expect((await install('--upgrade', await tarball('2.0.0'))).stdout).toContain('already at 2.0.0')
  }, 120_000)

  it('writes the store config from the flags, and says what is missing for an unattended install', async () => {
    const missing = await install('--release', release('1.0.0'))
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/--store-id, --store-name and --merchant are needed for an unattended install/)
    const badId = await install(
      '--release',
      release('1.0.0'),
      '--store-id',
      'Tea House!',
      '--store-name',
      'Tea',
      '--merchant',
      'tea-co',
    )
    expect(badId.stderr).toMatch(/store\.id: must match pattern/)
    expect(existsSync(join(prefix, 'etc/tillside/store.yaml'))).toBe(false)
    const notRelease = await install('--release', tmp.dir)
    expect(notRelease.stderr).toMatch(/has no package.json: not a Tillside release/)
    // The answers become a config of the current version that start accepts, and a second write keeps it.
    const file = join(tmp.dir, 'store.yaml')
    const answers = {
      storeId: 'tea-3',
      storeName: 'Tea House',
      merchant: 'tea-co',
      scanners: ['/dev/serial/by-id/usb-Honeywell-if00'],
      printer: '/dev/usb/lp0',
      dataDir: '/var/lib/tillside',
    }
    expect(writeStoreConfig(file, answers)).toBe(true)
    expect(writeStoreConfig(file, { ...answers, storeName: 'Other' })).toBe(false)
    const c = loadConfigFile(file, {})
    expect([c.version, c.store.name, c.dataDir, c.dev]).toEqual([2, 'Tea House', '/var/lib/tillside', false])
    expect(c.devices.map((d) => [d.id, d.role, d.transport])).toEqual([
      [
        'till-scanner',
        'till',
        expect.objectContaining({ type: 'serial', path: '/dev/serial/by-id/usb-Honeywell-if00' }),
      ],
    ])
    expect(c.printers.map((p) => [p.id, p.transport])).toEqual([
      ['till-printer', { type: 'usb', path: '/dev/usb/lp0' }],
    ])
  }, 60_000)
})
