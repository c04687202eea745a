/**
 * `node dist/kiosk/main/session-launch.js [--url …] [--kiosk …] [--token-file …]`: the
 * kiosk unit's ExecStart. Finds cage, Electron and Chromium, runs what session.ts decides,
 * and exits with it (systemd restarts the unit when the app dies).
 */
import { spawn } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { kioskSession } from './session.js'

const executable = (path: string | null | undefined): string | null => {
  if (!path) return null
  try {
    accessSync(path, constants.X_OK)
    return path
  } catch {
    return null
  }
}
const onPath = (name: string) =>
  (process.env.PATH ?? '/usr/bin:/bin')
    .split(':')
    .map((dir) => executable(`${dir}/${name}`))
    .find(Boolean) ?? null

let electron: string | null = null
try {
  electron = executable(createRequire(import.meta.url)('electron') as string) // in Node, the binary's path
} catch {
  electron = null
}
try {
  const session = kioskSession(
    { cage: onPath('cage'), electron, chromium: onPath('chromium') },
    fileURLToPath(new URL('./main.js', import.meta.url)),
    process.argv.slice(2),
    process.env,
  )
  process.stderr.write(`tillside kiosk: ${session.app} under cage\n`)
  const child = spawn(session.command, session.args, { stdio: 'inherit' })
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => child.kill(sig))
  child.on('exit', (code) => process.exit(code ?? 1))
} catch (err) {
  process.stderr.write(`tillside kiosk: ${(err as Error).message}\n`)
  process.exit(1)
}
