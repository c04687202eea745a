/**
 * Real-part tests need system programs (scripts/setup-system installs them). Without one
 * the suite skips with a loud message — except in CI (CI=true), where a missing program
 * fails the run instead of silently testing less.
 */
import { execFileSync } from 'node:child_process'

export function hasProgram(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Returns true when `name` is available; otherwise warns loudly (or throws under CI). */
export function requireProgram(name: string, suite: string): boolean {
  if (hasProgram(name)) return true
  const message = `${suite}: "${name}" is not installed — run scripts/setup-system`
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`${message} (CI: missing programs fail, they do not skip)`)
  process.stderr.write(`\n  !!! SKIPPING ${message}\n\n`)
  return false
}
