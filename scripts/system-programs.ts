import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

/** Where a program is: its name when on PATH, else its /usr/sbin path (mosquitto), else null. */
export function programPath(name: string): string | null {
  if (hasOnPath(name)) return name
  return existsSync(`/usr/sbin/${name}`) ? `/usr/sbin/${name}` : null
}

/** Whether a system program (installed by scripts/setup-system) is available. */
export function hasProgram(name: string): boolean {
  return programPath(name) !== null
}

function hasOnPath(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}
