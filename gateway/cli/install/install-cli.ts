/**
 * `tillside install` (what scripts/install runs): puts a release in place and makes it the
 * store's service — idempotent, so running it again repairs rather than repeats.
 *   install  [--release <dir|tarball>] [--store-id … --store-name … --merchant …]
 *            [--scanners <path>,…] [--printer <path>] [--yes]
 *   install --upgrade <tarball|dir>: backup, switch, restart, health check, and roll back
 *            (previous release + that backup) when the new one is not healthy in time.
 * `--prefix <dir>` installs under a folder instead of / (tests, images); `--systemctl <cmd>`
 * names the service manager to drive (systemctl unless told).
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { loadConfigFile } from '../../../config/load.js'
import { layout, nodeProblem, type Layout } from './layout.js'
import { currentVersion, InstallError, openRelease, placeRelease, prune, switchTo } from './releases.js'
import { foundDevices, writeStoreConfig, type StoreAnswers } from './store-config.js'
import { askStore } from './ask-store.js'

export interface InstallOptions {
  root: string
  from: string
  upgrade: boolean
  yes: boolean
  answers: Partial<Omit<StoreAnswers, 'dataDir'>>
  systemctl: string
  healthTimeoutMs: number
}

const say = (s: string) => process.stdout.write(`${s}\n`)
const SERVICE = 'tillside.service'

export async function runInstall(o: InstallOptions): Promise<number> {
  const node = nodeProblem(process.versions.node)
  if (node) return fail(node)
  const system = o.root === '/'
  if (system && process.getuid?.() !== 0) return fail('run the installer as root (sudo scripts/install …)')
  const l = layout(o.root)
  const release = await openRelease(o.from).catch((err: Error) => err)
  if (release instanceof Error) return fail(release.message)
  try {
    if (o.upgrade) return await upgrade(o, l, release)
    return await install(o, l, release, system)
  } catch (err) {
    if (err instanceof InstallError) return fail(err.message)
    throw err
  } finally {
    release.done()
  }
}

async function install(o: InstallOptions, l: Layout, release: { dir: string; version: string }, system: boolean) {
  if (system) serviceUser()
  for (const [dir, mode] of [
    [l.etc, 0o755],
    [l.data, 0o700],
    [l.backups, 0o700],
    [l.units, 0o755],
  ] as const) {
    mkdirSync(dir, { recursive: true, mode })
    chmodSync(dir, mode)
    if (system && dir !== l.etc && dir !== l.units) run('chown', ['tillside:tillside', dir])
  }
  const target = placeRelease(l, release, say)
  say(`release ${release.version} in ${target}`)
  const answers = existsSync(l.config) ? null : await storeAnswers(o)
  if (answers && writeStoreConfig(l.config, { ...answers, dataDir: system ? '/var/lib/tillside' : l.data }))
    say(`wrote ${l.config}`)
  else say(`kept ${l.config}`)
  if (system) run('chgrp', ['tillside', l.config])
  installUnits(l, target)
  switchTo(l, release.version)
  say(`current → ${release.version}`)
  service(o, ['daemon-reload'])
  if (system && spawnSync('udevadm', ['control', '--reload-rules']).status === 0) spawnSync('udevadm', ['trigger'])
  service(o, ['enable', '--now', SERVICE, 'tillside-backup.timer'])
  const doctor = tillside(l, release.version, ['doctor'], system)
  process.stdout.write(doctor.stdout)
  if (doctor.status !== 0)
    return fail('installed, but doctor found problems (above): fix them, then systemctl restart tillside')
  return (await healthy(o, l))
    ? (say(`Tillside ${release.version} is running`), 0)
    : fail(notHealthy(o, release.version))
}

async function upgrade(o: InstallOptions, l: Layout, release: { dir: string; version: string }): Promise<number> {
  const previous = currentVersion(l)
  if (!previous) throw new InstallError('nothing is installed yet: run the installer without --upgrade first')
  if (previous === release.version) return (say(`already at ${release.version}`), 0)
  const system = o.root === '/'
  placeRelease(l, release, say)
  // The data as the old release left it: what a rollback puts back if the new one migrates and fails.
  mkdirSync(l.backups, { recursive: true, mode: 0o700 })
  const before = new Set(readdirSync(l.backups))
  const backup = tillside(l, previous, ['backup', '--dir', l.backups], system)
  const archive = readdirSync(l.backups).find((n) => !before.has(n))
  if (backup.status !== 0 || !archive)
    throw new InstallError(`the backup before the upgrade failed; nothing was changed:\n${backup.stderr}`)
  say(`backed up to ${join(l.backups, archive)}`)
  installUnits(l, join(l.releases, release.version))
  switchTo(l, release.version)
  service(o, ['daemon-reload'])
  service(o, ['restart', SERVICE])
  if (await healthy(o, l)) {
    const gone = prune(l, [release.version, previous])
    say(`upgraded ${previous} → ${release.version}${gone.length ? ` (removed ${gone.join(', ')})` : ''}`)
    return 0
  }
  // Rolled back: the previous release, on the data as it was before (migrations may have run).
  service(o, ['stop', SERVICE])
  switchTo(l, previous)
  const restored = tillside(l, previous, ['restore', join(l.backups, archive)], system)
  installUnits(l, join(l.releases, previous))
  service(o, ['daemon-reload'])
  service(o, ['start', SERVICE])
  const back = await healthy(o, l)
  return fail(
    `${notHealthy(o, release.version)}; rolled back to ${previous}` +
      (restored.status === 0 ? ` with the data of ${archive}` : ` but the restore failed:\n${restored.stderr}`) +
      (back ? ', which is running' : `, which is not healthy either: see journalctl -u ${SERVICE}`),
  )
}

/** The service answers: the manager says active and /healthz says 200, within the timeout. */
async function healthy(o: InstallOptions, l: Layout): Promise<boolean> {
  const http = loadConfigFile(l.config).http
  const host = http.host === '0.0.0.0' || http.host === '::' ? '127.0.0.1' : http.host
  const deadline = Date.now() + o.healthTimeoutMs
  while (Date.now() < deadline) {
    const active = spawnSync(o.systemctl, ['is-active', '--quiet', SERVICE]).status === 0
    const ok =
      active &&
      (await fetch(`http://${host}:${http.port}/healthz`, { signal: AbortSignal.timeout(2000) })
        .then((r) => r.ok)
        .catch(() => false))
    if (ok) return true
    await sleep(500)
  }
  return false
}

const notHealthy = (o: InstallOptions, version: string) =>
  `${version} did not become healthy within ${Math.round(o.healthTimeoutMs / 1000)} s`

/**
 * The units of the release, into /etc/systemd/system (the nftables drop-in only where the
 * portal needs it), and its udev rules (device access for the tillside group).
 */
function installUnits(l: Layout, release: string): void {
  const from = join(release, 'scripts/systemd')
  if (!existsSync(from)) return
  for (const name of readdirSync(from).filter((n) => /\.(service|timer)$/.test(n)))
    copyFileSync(join(from, name), join(l.units, name))
  const rules = join(release, 'scripts/udev')
  if (existsSync(rules)) {
    mkdirSync(l.udevRules, { recursive: true })
    for (const name of readdirSync(rules)) copyFileSync(join(rules, name), join(l.udevRules, name))
  }
  const portal = existsSync(l.config) ? loadConfigFile(l.config).portal.controller.type : 'none'
  if (portal === 'nftables') {
    mkdirSync(join(l.units, 'tillside.service.d'), { recursive: true })
    copyFileSync(join(from, 'tillside.service.d/nftables.conf'), join(l.units, 'tillside.service.d/nftables.conf'))
  }
}

/** A command of the installed release `version`, on the store's config (as the service user on a real box). */
function tillside(l: Layout, version: string, args: string[], system: boolean) {
  const cli = join(l.releases, version, 'dist/bundle/tillside.js')
  const argv = [process.execPath, cli, ...args, '--config', l.config]
  const [cmd, ...rest] = system ? ['runuser', '-u', 'tillside', '--', ...argv] : argv
  return spawnSync(cmd!, rest, { encoding: 'utf8' })
}

function service(o: InstallOptions, args: string[]): void {
  const r = spawnSync(o.systemctl, args, { encoding: 'utf8' })
  if (r.status !== 0)
    throw new InstallError(`${o.systemctl} ${args.join(' ')} failed: ${(r.stderr || r.stdout).trim()}`)
}

function serviceUser(): void {
  if (spawnSync('id', ['-u', 'tillside']).status !== 0)
    run('useradd', ['--system', '--home-dir', '/var/lib/tillside', '--shell', '/usr/sbin/nologin', 'tillside'])
  for (const group of ['dialout', 'lp', 'plugdev'])
    if (spawnSync('getent', ['group', group]).status === 0) run('usermod', ['-aG', group, 'tillside'])
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' })
  if (r.status !== 0) throw new InstallError(`${cmd} ${args.join(' ')} failed: ${r.stderr.trim()}`)
}

async function storeAnswers(o: InstallOptions): Promise<Omit<StoreAnswers, 'dataDir'>> {
  const a = o.answers
  if (a.storeId && a.storeName && a.merchant)
    return {
      storeId: a.storeId,
      storeName: a.storeName,
      merchant: a.merchant,
      scanners: a.scanners ?? [],
      printer: a.printer ?? null,
    }
  if (o.yes || !process.stdin.isTTY)
    throw new InstallError('--store-id, --store-name and --merchant are needed for an unattended install')
  return askStore(a, foundDevices())
}

function fail(message: string): number {
  process.stderr.write(`tillside install: ${message}\n`)
  return 1
}
