/** Benchmarks run the built gateway as its own process, exactly as a store runs it. */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

export const CLI = fileURLToPath(new URL('../../bundle/tillside.js', import.meta.url))
/**
 * The node flags a store runs the gateway with (package.json `start`, the systemd unit).
 * `--optimize-for-size` makes V8 compact old-space pages that are a fifth free, where by
 * default only pages ~60 % free are: objects that live an hour (rate-limit windows, guest
 * sessions) then leave no sparse pages behind when they die. soak.rss over 75 minutes:
 * 2.1 vs 5.9 MB/hour, peak 135 vs 146 MB (issue #22). It also fixes 1 MB semi-spaces
 * (--max-semi-space-size cannot raise them): twice the scavenges, each shorter, and full
 * GCs that pause up to ~40 ms instead of ~17. A 128 MB old-space ceiling (the live heap
 * is ~45 MB under a busy store's mix) makes V8 collect instead of growing while a long
 * sync backlog drains.
 */
export const NODE_FLAGS = ['--optimize-for-size', '--max-old-space-size=128']
/**
 * The environment a store runs it with: glibc gives each thread that mallocs its own arena
 * and keeps them; the journal writer, the integrity check and libuv's pool are threads, so
 * two arenas keep the same work ~10 MB smaller (soak.rss: 133 vs 144 MB after 18 minutes).
 */
export const GATEWAY_ENV = { ...process.env, MALLOC_ARENA_MAX: '2' }

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

/** `tillside start --config file`; resolves once /healthz answers 200. */
export async function spawnGateway(
  configFile: string,
  port: number,
  timeoutMs = 20_000,
  env: Record<string, string> = {},
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...NODE_FLAGS, CLI, 'start', '--config', configFile], {
    stdio: 'ignore',
    env: { ...GATEWAY_ENV, ...env },
  })
  const t0 = performance.now()
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.status === 200,
      () => false,
    )
    if (ok) return child
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode} before answering`)
    if (performance.now() - t0 > timeoutMs) throw new Error(`gateway did not start within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 2))
  }
}

export async function stopGateway(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  await exited
}
