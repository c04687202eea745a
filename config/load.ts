/**
 * Loads the config: YAML file → `TILLSIDE_*` overrides → schema defaults → validation.
 * Every problem is reported as `path: message`; callers print them and exit 2.
 */
import { existsSync, readFileSync } from 'node:fs'
import { brandProblems } from './brand.js'
import { readStoreLogo } from './store-logo.js'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { parse as parseYaml, YAMLParseError } from 'yaml'
import { ConfigSchema, type Config } from './schema.js'
import { DocumentError, sharedAjv, toProblems, type Problem } from './problems.js'
import { CONFIG_PATCH_FILE, mergePatch, type Json } from './merge-patch.js'
import { resolveConfigPaths } from './paths.js'
import { configVersion } from './config-version.js'

export const DEFAULT_CONFIG_PATH = 'config/default.yaml'

/** `path` is a dotted key, e.g. `devices[0].transport.baudRate`; `(file)` for problems with the file itself. */

/** The config's DocumentError: it names its file and puts each problem on a line of its own (the CLI prints it as is). */
export class ConfigError extends DocumentError {
  override readonly name = 'ConfigError'
  override readonly code = 'invalid_config'
  constructor(
    readonly file: string,
    problems: Problem[],
  ) {
    super(`config ${file}`, problems)
    this.message = `invalid config ${file}:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`
  }
}

/** Env var → config key. Only keys an installer plausibly sets per machine. */
const ENV_OVERRIDES: Record<string, { key: string[]; type: 'string' | 'integer' | 'boolean' }> = {
  TILLSIDE_STORE_ID: { key: ['store', 'id'], type: 'string' },
  TILLSIDE_STORE_NAME: { key: ['store', 'name'], type: 'string' },
  TILLSIDE_DATA_DIR: { key: ['dataDir'], type: 'string' },
  TILLSIDE_DEV: { key: ['dev'], type: 'boolean' },
  TILLSIDE_HTTP_HOST: { key: ['http', 'host'], type: 'string' },
  TILLSIDE_HTTP_PORT: { key: ['http', 'port'], type: 'integer' },
  TILLSIDE_PORTAL_PORT: { key: ['portal', 'http', 'port'], type: 'integer' },
  TILLSIDE_SYNC_BROKER: { key: ['sync', 'broker'], type: 'string' },
  TILLSIDE_SYNC_EMBEDDED_PORT: { key: ['sync', 'embedded', 'port'], type: 'integer' },
  TILLSIDE_LOG_LEVEL: { key: ['log', 'level'], type: 'string' },
  TILLSIDE_LOG_FORMAT: { key: ['log', 'format'], type: 'string' },
}

export function envOverrideNames(): string[] {
  return Object.keys(ENV_OVERRIDES)
}

const validate = sharedAjv.compile<Config>(ConfigSchema)

export function resolveConfigPath(argPath: string | undefined, env: NodeJS.ProcessEnv): string {
  return argPath ?? env.TILLSIDE_CONFIG ?? DEFAULT_CONFIG_PATH
}

export function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): Config {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new ConfigError(file, [
      { path: '(file)', message: code === 'ENOENT' ? 'file not found' : `cannot read: ${code}` },
    ])
  }
  return parseConfig(text, file, env, { cloudPatch: true, baseDir: dirname(resolve(file)) })
}

/**
 * YAML text → the cloud's config patch (dataDir/config-patch.json, when `cloudPatch`)
 * → `TILLSIDE_*` overrides → defaults → validation; relative paths resolved from
 * `baseDir` (the config file's folder) when given — from the working directory for a
 * file older than version 2 (config-version.ts), as it was written for.
 */
export function parseConfig(
  text: string,
  file: string,
  env: NodeJS.ProcessEnv = {},
  opts: { cloudPatch?: boolean; baseDir?: string } = {},
): Config {
  let raw: unknown
  try {
    raw = parseYaml(text, { prettyErrors: true }) ?? {}
  } catch (err) {
    const message = err instanceof YAMLParseError ? err.message.split('\n')[0]! : String(err)
    throw new ConfigError(file, [{ path: '(file)', message: `not valid YAML: ${message}` }])
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(file, [{ path: '(file)', message: 'must be a YAML mapping of keys' }])
  }
  const version = configVersion(raw as Record<string, unknown>)
  if ('path' in version) throw new ConfigError(file, [version])
  // A version-1 file meant its relative paths from the working directory: read them so.
  const baseDir = opts.baseDir && (version.pathsFromFile ? opts.baseDir : process.cwd())
  if (opts.cloudPatch) raw = applyCloudPatch(raw as Record<string, unknown>, env, baseDir)
  const problems: Problem[] = []
  const fromEnv = applyEnvOverrides(raw as Record<string, unknown>, env, problems)
  if (!validate(raw)) {
    problems.push(...toProblems(validate.errors ?? [], fromEnv))
  } else {
    if (baseDir) resolveConfigPaths(raw as unknown as Record<string, unknown>, baseDir, new Set(fromEnv.keys()))
    problems.push(...crossChecks(raw))
  }
  if (problems.length > 0) throw new ConfigError(file, problems)
  if (version.notes.length > 0) notes.set(raw as Config, version.notes)
  return raw as Config
}

const notes = new WeakMap<Config, string[]>()

/** What the config's file should change (an older version's meaning kept meanwhile): logged at start. */
export function configNotes(config: Config): string[] {
  return notes.get(config) ?? []
}

function applyCloudPatch(raw: Record<string, unknown>, env: NodeJS.ProcessEnv, baseDir = '.'): Record<string, unknown> {
  const written = typeof raw.dataDir === 'string' ? raw.dataDir : './data'
  const dataDir = env.TILLSIDE_DATA_DIR || (isAbsolute(written) ? written : resolve(baseDir, written))
  const file = join(dataDir, CONFIG_PATCH_FILE)
  if (!existsSync(file)) return raw
  let patch: Json
  try {
    patch = JSON.parse(readFileSync(file, 'utf8')) as Json
  } catch (err) {
    throw new ConfigError(file, [{ path: '(file)', message: `not JSON: ${(err as Error).message}` }])
  }
  return mergePatch(raw as Json, patch) as Record<string, unknown>
}

/** Checks JSON Schema cannot express. */
function crossChecks(config: Config): Problem[] {
  const problems: Problem[] = []
  const seen = new Map<string, number>()
  config.devices.forEach((d, i) => {
    const first = seen.get(d.id)
    if (first !== undefined)
      problems.push({ path: `devices[${i}].id`, message: `duplicate id "${d.id}" (also devices[${first}])` })
    else seen.set(d.id, i)
    if (d.feedback && d.transport.type !== 'serial') {
      problems.push({
        path: `devices[${i}].feedback`,
        message: `only serial scanners take commands; this one is ${d.transport.type}`,
      })
    }
  })
  config.printers.forEach((p, i) => {
    const first = seen.get(p.id)
    if (first !== undefined)
      problems.push({ path: `printers[${i}].id`, message: `duplicate id "${p.id}" (also devices[${first}])` })
    else if (config.printers.findIndex((q) => q.id === p.id) !== i)
      problems.push({ path: `printers[${i}].id`, message: `duplicate id "${p.id}"` })
  })
  problems.push(...brandProblems(config.store.brand, 'store.brand'))
  if (config.payments.provider === 'wallets' && !config.payments.alipay && !config.payments.wechat)
    problems.push({ path: 'payments', message: 'provider wallets needs payments.alipay or payments.wechat (or both)' })
  if (config.store.brand.logo !== undefined) {
    try {
      readStoreLogo(config.store.brand.logo)
    } catch (err) {
      problems.push({ path: 'store.brand.logo', message: (err as Error).message })
    }
  }
  if (config.reconnect.initialMs > config.reconnect.maxMs) {
    problems.push({ path: 'reconnect.initialMs', message: 'must not exceed reconnect.maxMs' })
  }
  const seg = config.members.segments
  if (seg.lapsingDays >= seg.lostDays)
    problems.push({ path: 'members.segments.lapsingDays', message: 'must be less than members.segments.lostDays' })
  if (config.sync.reconnect.initialMs > config.sync.reconnect.maxMs)
    problems.push({ path: 'sync.reconnect.initialMs', message: 'must not exceed sync.reconnect.maxMs' })
  if (config.sync.tls && !/^mqtts:/.test(config.sync.broker))
    problems.push({ path: 'sync.tls', message: `only for mqtts:// brokers; sync.broker is ${config.sync.broker}` })
  if (config.sync.tls && Boolean(config.sync.tls.cert) !== Boolean(config.sync.tls.key))
    problems.push({ path: 'sync.tls', message: 'cert and key go together' })
  config.kiosk.game.prizes.forEach((p, i) => {
    if (config.kiosk.game.prizes.findIndex((q) => q.id === p.id) !== i)
      problems.push({ path: `kiosk.game.prizes[${i}].id`, message: `duplicate prize id "${p.id}"` })
  })
  const kioskDevices = new Set(config.devices.filter((d) => d.role === 'kiosk').map((d) => d.id))
  config.kiosk.credentials.forEach((c, i) => {
    if (config.kiosk.credentials.findIndex((o) => o.name === c.name) !== i)
      problems.push({ path: `kiosk.credentials[${i}].name`, message: `duplicate kiosk name "${c.name}"` })
    if (c.device !== undefined && !kioskDevices.has(c.device))
      problems.push({
        path: `kiosk.credentials[${i}].device`,
        message: `"${c.device}" is not a device with role kiosk`,
      })
  })
  return problems
}

function applyEnvOverrides(
  raw: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  problems: Problem[],
): Map<string, string> {
  const applied = new Map<string, string>()
  for (const [name, { key, type }] of Object.entries(ENV_OVERRIDES)) {
    const text = env[name]
    if (text === undefined || text === '') continue
    const path = key.join('.')
    let value: unknown = text
    if (type === 'integer') {
      value = /^-?\d+$/.test(text) ? Number(text) : NaN
      if (Number.isNaN(value)) {
        problems.push({ path, message: `${name}="${text}" is not an integer` })
        continue
      }
    } else if (type === 'boolean') {
      if (!['true', 'false', '1', '0'].includes(text)) {
        problems.push({ path, message: `${name}="${text}" must be true, false, 1 or 0` })
        continue
      }
      value = text === 'true' || text === '1'
    }
    let node = raw
    for (const k of key.slice(0, -1)) {
      if (typeof node[k] !== 'object' || node[k] === null) node[k] = {}
      node = node[k] as Record<string, unknown>
    }
    node[key.at(-1)!] = value
    applied.set(path, name)
  }
  return applied
}
