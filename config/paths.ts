/**
 * Config keys that name a file or folder. A relative one is resolved from the config
 * file's folder, not the shell's, so a config copied elsewhere (or started by systemd
 * from /) finds what sits beside it. `TILLSIDE_*` overrides are the shell's and stay
 * relative to the working directory.
 */
import { isAbsolute, resolve } from 'node:path'

export const PATH_KEYS = [
  'dataDir',
  'vouchers.trustListFile',
  'vouchers.campaignsFile',
  'vouchers.revocationsFile',
  'store.brand.logo',
  'sync.passwordFile',
  'sync.tls.ca',
  'sync.tls.cert',
  'sync.tls.key',
  'portal.controller.faskeyFile',
] as const

/**
 * Resolves the relative paths of `raw` (validated, defaults filled) from `baseDir`,
 * skipping keys set from the environment.
 */
export function resolveConfigPaths(raw: Record<string, unknown>, baseDir: string, fromEnv: ReadonlySet<string>): void {
  for (const key of PATH_KEYS) {
    if (fromEnv.has(key)) continue
    const parts = key.split('.')
    let node: unknown = raw
    for (const k of parts.slice(0, -1)) node = (node as Record<string, unknown> | undefined)?.[k]
    if (typeof node !== 'object' || node === null) continue
    const leaf = parts.at(-1)!
    const value = (node as Record<string, unknown>)[leaf]
    if (typeof value === 'string' && !isAbsolute(value))
      (node as Record<string, unknown>)[leaf] = resolve(baseDir, value)
  }
}
