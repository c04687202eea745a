/**
 * Releases on disk: an unpacked release (a folder, or an `npm pack` / release tarball)
 * copied to releases/<version>, the `current` link switched atomically (a new link
 * renamed over the old), old releases pruned to the current one and the one before.
 */
import { spawnSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  mkdirSync,
} from 'node:fs'
import { basename, join, relative, resolve, sep } from 'node:path'
import { tmpdir } from 'node:os'
import * as tar from 'tar'
import type { Layout } from './layout.js'

export class InstallError extends Error {
  override readonly name = 'InstallError'
}

/** What a release carries; a checkout's tests, data and build leftovers stay behind. */
const SKIP = new Set(['.git', 'data', 'test-artifacts', 'test', 'coverage', '.ci'])

/** A folder holding the release: `from` itself, or a tarball unpacked to a temporary folder (call done()). */
export async function openRelease(from: string): Promise<{ dir: string; version: string; done: () => void }> {
  let dir = resolve(from)
  let cleanup = () => {}
  if (!existsSync(dir)) throw new InstallError(`no release at ${from}`)
  if (/\.(tgz|tar\.gz)$/.test(dir)) {
    const tmp = mkdtempSync(join(tmpdir(), 'tillside-release-'))
    cleanup = () => rmSync(tmp, { recursive: true, force: true })
    try {
      // npm pack puts everything under package/.
      await tar.extract({ file: dir, cwd: tmp, strict: true })
    } catch (err) {
      cleanup()
      throw new InstallError(`${from} is not a release tarball: ${(err as Error).message}`)
    }
    const top = readdirSync(tmp)
    dir = top.length === 1 && existsSync(join(tmp, top[0]!, 'package.json')) ? join(tmp, top[0]!) : tmp
  }
  let pkg: { name?: string; version?: string }
  try {
    pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as typeof pkg
  } catch {
    cleanup()
    throw new InstallError(`${from} has no package.json: not a Tillside release`)
  }
  if (pkg.name !== 'tillside' || !pkg.version || !/^[\w.+-]+$/.test(pkg.version)) {
    cleanup()
    throw new InstallError(`${from} is not a Tillside release (package ${pkg.name ?? '?'} ${pkg.version ?? '?'})`)
  }
  return { dir, version: pkg.version, done: cleanup }
}

/** Copies the release to releases/<version> (once); its production dependencies are installed when it has none. */
export function placeRelease(l: Layout, release: { dir: string; version: string }, log: (s: string) => void): string {
  const target = join(l.releases, release.version)
  if (existsSync(join(target, 'package.json'))) return target
  mkdirSync(l.releases, { recursive: true })
  const partial = `${target}.partial`
  rmSync(partial, { recursive: true, force: true })
  cpSync(release.dir, partial, {
    recursive: true,
    // Top-level leftovers only: a dependency may well have its own test/ folder.
    filter: (src) => !SKIP.has(relative(release.dir, src).split(sep)[0]!),
  })
  const pkg = JSON.parse(readFileSync(join(partial, 'package.json'), 'utf8')) as { dependencies?: object }
  if (!existsSync(join(partial, 'node_modules')) && Object.keys(pkg.dependencies ?? {}).length > 0) {
    log(`installing ${release.version}'s dependencies (npm install --omit=dev; better-sqlite3 compiles here)…`)
    const npm = spawnSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund'], {
      cwd: partial,
      stdio: 'inherit',
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
    })
    if (npm.status !== 0) {
      rmSync(partial, { recursive: true, force: true })
      throw new InstallError(`npm install failed in ${target} (exit ${npm.status}); nothing was switched`)
    }
  }
  renameSync(partial, target)
  return target
}

/** The version `current` points at, or null before the first install. */
export function currentVersion(l: Layout): string | null {
  try {
    return basename(readlinkSync(l.current))
  } catch {
    return null
  }
}

/** Points `current` at releases/<version> in one step. */
export function switchTo(l: Layout, version: string): void {
  const next = `${l.current}.next`
  rmSync(next, { force: true })
  symlinkSync(join('releases', version), next)
  renameSync(next, l.current)
}

/** Keeps the current release and the one before it. */
export function prune(l: Layout, keep: string[]): string[] {
  const gone = readdirSync(l.releases).filter((v) => !keep.includes(v))
  for (const v of gone) rmSync(join(l.releases, v), { recursive: true, force: true })
  return gone
}
