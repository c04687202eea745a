/** Runs the real `tillside` CLI (from sources through tsx, or the built bundle) as a child process. */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const CLI = fileURLToPath(new URL('../../gateway/cli/tillside.ts', import.meta.url))

export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  opts: { bundle?: boolean } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const entry = opts.bundle ? [BUNDLE] : ['--import', 'tsx', CLI]
    const child = spawn(process.execPath, [...entry, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

/** The built command as `npm start` runs it (made by `npm ci` / `npm run build`). */
export const BUNDLE = fileURLToPath(new URL('../../dist/bundle/tillside.js', import.meta.url))

/**
 * Starts `tillside start` (from sources, or the built bundle); resolves with the process
 * and its HTTP address once it logged "gateway started". No config file: the embedded
 * defaults, as `npm start` uses them. `netns`: inside that network namespace.
 */
export function startGatewayProcess(
  configFile: string | null,
  opts: { env?: NodeJS.ProcessEnv; bundle?: boolean; netns?: string } = {},
): Promise<{ child: ChildProcess; address: string; logs: string[] }> {
  return new Promise((resolve, reject) => {
    const entry = opts.bundle ? [BUNDLE] : ['--import', 'tsx', CLI]
    const args = [...entry, 'start', ...(configFile ? ['--config', configFile] : [])]
    // In a network namespace (the Wi-Fi tests): the same process, started by ip netns exec.
    const [cmd, argv] = opts.netns
      ? ['ip', ['netns', 'exec', opts.netns, process.execPath, ...args]]
      : [process.execPath, args]
    const child = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } })
    const logs: string[] = []
    let buffer = ''
    let stderr = ''
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    child.stdout!.on('data', (d: Buffer) => {
      buffer += d.toString()
      const lines = buffer.split('\n')
      buffer = lines.pop()!
      for (const line of lines) {
        logs.push(line)
        const entry = JSON.parse(line) as { msg?: string; address?: string }
        if (entry.msg === 'gateway started') resolve({ child, address: entry.address!, logs })
      }
    })
    child.on('exit', (code) =>
      reject(new Error(`gateway exited (${code}) before starting: ${stderr}${logs.join('\n')}`)),
    )
  })
}
