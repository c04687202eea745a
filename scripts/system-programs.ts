import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'

/** Debian keeps PostgreSQL's server programs off PATH, under /usr/lib/postgresql/<major>/bin. */
const POSTGRES_LIB = '/usr/lib/postgresql'

/**
 * Where a program is: its name when on PATH, else its /usr/sbin path (mosquitto), else
 * the newest PostgreSQL's bin folder (initdb, postgres), else null.
 */
export function programPath(name: string): string | null {
  if (hasOnPath(name)) return name
  if (existsSync(`/usr/sbin/${name}`)) return `/usr/sbin/${name}`
  return postgresProgram(name)
}

function postgresProgram(name: string): string | null {
  if (!existsSync(POSTGRES_LIB)) return null
  const majors = readdirSync(POSTGRES_LIB)
    .filter((d) => /^\d+$/.test(d))
    .sort((a, b) => Number(b) - Number(a))
  for (const major of majors) {
    const path = `${POSTGRES_LIB}/${major}/bin/${name}`
    if (existsSync(path)) return path
  }
  return null
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
