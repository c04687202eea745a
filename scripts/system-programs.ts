import { execFileSync } from 'node:child_process'

/** Whether a system program (installed by scripts/setup-system) is on PATH. */
export function hasProgram(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}
