/**
 * The config file's `version`, and what changed between versions: an old store config
 * keeps working after an upgrade, read as it was meant, and the log says what to change.
 * A file without `version` is version 1. Each step names what it does for an older file.
 */
import type { Problem } from './problems.js'

export const CONFIG_VERSION = 2

export interface ConfigStep {
  /** The version this step brings a file up to. */
  to: number
  /** What a file older than `to` should change, said in the log at every start until it does. */
  note: string
}

const CONFIG_STEPS: ConfigStep[] = [
  {
    to: 2,
    note: "relative paths (dataDir, vouchers.*File, …) are read from the config file's folder since version 2; this file is older, so they are still read from the working directory. Write `version: 2` at the top once they are right from the file's folder (or absolute)",
  },
]

export interface VersionOutcome {
  version: number
  /** Relative paths are read from the config's folder (true) or the working directory (version 1). */
  pathsFromFile: boolean
  notes: string[]
}

export function configVersion(raw: Record<string, unknown>): VersionOutcome | Problem {
  const v = raw.version ?? 1
  if (!Number.isSafeInteger(v) || (v as number) < 1)
    return { path: 'version', message: `must be a whole number from 1 to ${CONFIG_VERSION}` }
  if ((v as number) > CONFIG_VERSION)
    return {
      path: 'version',
      message: `${v as number} is a newer Tillside's config; this one reads up to version ${CONFIG_VERSION}: upgrade Tillside`,
    }
  const version = v as number
  return {
    version,
    pathsFromFile: version >= 2,
    notes: CONFIG_STEPS.filter((s) => s.to > version).map((s) => `config version ${version}: ${s.note}`),
  }
}
