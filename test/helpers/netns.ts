/**
 * Network namespaces for the Wi-Fi tests: a client behind a router, and an "internet"
 * behind that. Each test file gets its own names and addresses; everything is deleted
 * at the end (deleting a namespace takes its veths and firewall rules with it).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'

export function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

export interface Topology {
  client: string
  router: string
  internet: string
  /** Router's address on the guest side, the client's, and the internet host's. */
  routerIp: string
  clientIp: string
  internetIp: string
  clientMac: string
  guestIf: string
  /** Runs a command in a namespace; resolves with its exit code and output. */
  exec(
    ns: string,
    cmd: string,
    args: string[],
    timeoutMs?: number,
  ): Promise<{ code: number | null; stdout: string; stderr: string }>
  spawnIn(ns: string, cmd: string, args: string[], env?: NodeJS.ProcessEnv): ChildProcess
  destroy(): void
}

export function makeTopology(subnet: number): Topology {
  const id = randomBytes(3).toString('hex')
  const client = `tsc${id}`
  const router = `tsr${id}`
  const internet = `tsi${id}`
  const clientMac = `02:00:00:${id.slice(0, 2)}:${id.slice(2, 4)}:${id.slice(4, 6)}`
  const [routerIp, clientIp, upRouter, internetIp] = [
    `10.${subnet}.0.1`,
    `10.${subnet}.0.2`,
    `10.${subnet}.1.1`,
    `10.${subnet}.1.2`,
  ]
  for (const ns of [client, router, internet]) {
    sh('ip', ['netns', 'add', ns])
    sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up'])
  }
  sh('ip', [
    'link',
    'add',
    `g${id}`,
    'netns',
    router,
    'type',
    'veth',
    'peer',
    'name',
    'c0',
    'netns',
    client,
    'address',
    clientMac,
  ])
  sh('ip', ['link', 'add', `u${id}`, 'netns', router, 'type', 'veth', 'peer', 'name', 'i0', 'netns', internet])
  sh('ip', ['-n', router, 'addr', 'add', `${routerIp}/24`, 'dev', `g${id}`])
  sh('ip', ['-n', router, 'addr', 'add', `${upRouter}/24`, 'dev', `u${id}`])
  sh('ip', ['-n', client, 'addr', 'add', `${clientIp}/24`, 'dev', 'c0'])
  sh('ip', ['-n', internet, 'addr', 'add', `${internetIp}/24`, 'dev', 'i0'])
  for (const [ns, dev] of [
    [router, `g${id}`],
    [router, `u${id}`],
    [client, 'c0'],
    [internet, 'i0'],
  ] as const)
    sh('ip', ['-n', ns, 'link', 'set', dev, 'up'])
  sh('ip', ['-n', client, 'route', 'add', 'default', 'via', routerIp])
  sh('ip', ['-n', internet, 'route', 'add', `10.${subnet}.0.0/24`, 'via', upRouter])
  sh('ip', ['netns', 'exec', router, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1'])
  const children: ChildProcess[] = []
  return {
    client,
    router,
    internet,
    routerIp,
    clientIp,
    internetIp,
    clientMac,
    guestIf: `g${id}`,
    exec: (ns, cmd, args, timeoutMs = 15_000) =>
      new Promise((resolve) => {
        const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], {
          stdio: ['ignore', 'pipe', 'pipe'],
          timeout: timeoutMs,
        })
        let stdout = ''
        let stderr = ''
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
        child.on('close', (code) => resolve({ code, stdout, stderr }))
      }),
    spawnIn: (ns, cmd, args, env) => {
      const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ...env },
      })
      children.push(child)
      return child
    },
    destroy: () => {
      for (const c of children) c.kill('SIGKILL')
      for (const ns of [client, router, internet]) {
        try {
          sh('ip', ['netns', 'del', ns])
        } catch {
          // already gone
        }
      }
    },
  }
}

/** A tiny web server standing for the internet: it answers every path, and the Android probe as Google does. */
export const INTERNET_SERVER = `require('http').createServer((q, s) => { if (q.url === '/generate_204') { s.statusCode = 204; return s.end() } s.end('internet:' + q.url) }).listen(80, () => console.log('listening'))`

/** curl in the client namespace: status, redirect target and body. */
export async function curl(
  t: Topology,
  url: string,
  extra: string[] = [],
): Promise<{ ok: boolean; status: number; location: string; body: string }> {
  const r = await t.exec(t.client, 'curl', [
    '-s',
    '-m',
    '3',
    '-o',
    '-',
    '-w',
    '\n%{http_code} %{redirect_url}',
    ...extra,
    url,
  ])
  const lines = r.stdout.split('\n')
  const [status, location] = (lines.pop() ?? '').split(' ')
  return { ok: r.code === 0, status: Number(status), location: location ?? '', body: lines.join('\n') }
}
