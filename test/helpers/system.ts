/**
 * Real-part tests need system programs (scripts/setup-system installs them). Without one
 * the suite skips with a loud message — except in CI (CI=true), where a missing program
 * fails the run instead of silently testing less.
 */
import { hasProgram } from '../../scripts/system-programs.js'

/** Returns true when `name` is available; otherwise warns loudly (or throws under CI). */
export function requireProgram(name: string, suite: string): boolean {
  if (hasProgram(name)) return true
  const message = `${suite}: "${name}" is not installed — run scripts/setup-system`
  if (process.env.CI === 'true' || process.env.CI === '1')
    throw new Error(`${message} (CI: missing programs fail, they do not skip)`)
  process.stderr.write(`\n  !!! SKIPPING ${message}\n\n`)
  return false
}
