/**
 * A start that cannot happen says why in one sentence with what to do, not a stack trace:
 * the port taken by another program, the data directory in use by another gateway.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { freePort } from '../../scripts/bench/gateway-process.js'
import { runCli, startGatewayProcess } from '../helpers/cli.js'
import { tempDir } from '../helpers/tmp.js'

describe('tillside start, when it cannot', () => {
  let tmp: ReturnType<typeof tempDir>
  let running: ChildProcess | null = null
  beforeEach(() => (tmp = tempDir()))
  afterEach(() => {
    running?.kill('SIGKILL')
    tmp.cleanup()
  })

  const config = (name: string, dataDir: string, port: number) => {
    const file = join(tmp.dir, `${name}.yaml`)
    writeFileSync(
      file,
      `version: 2\nstore: { id: shop-e, name: Shop E }\ndataDir: ${dataDir}\nhttp: { host: 127.0.0.1, port: ${port} }\n`,
    )
    return file
  }
  /** The fatal log line of a start that failed, and its exit code. */
  async function failedStart(file: string) {
    const r = await runCli(['start', '--config', file])
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('{'))
    const fatal = lines
      .map((l) => JSON.parse(l) as { level: number; msg: string; err?: unknown })
      .find((l) => l.level === 60)
    return { code: r.code, fatal, stdout: r.stdout }
  }

  it('names the port in use and the gateway holding the data directory', async () => {
    const port = await freePort()
    running = (await startGatewayProcess(config('first', 'a', port))).child
    const portTaken = await failedStart(config('second', 'b', port))
    expect(portTaken.code).toBe(1)
    expect(portTaken.fatal?.msg).toBe(
      `127.0.0.1:${port} is in use by another program: stop it (ss -ltnp shows which) or choose another port in the config (http.port, portal.http.port)`,
    )
    expect(portTaken.fatal?.err).toBeUndefined() // no stack trace
    const dirTaken = await failedStart(config('third', 'a', await freePort()))
    expect(dirTaken.code).toBe(1)
    expect(dirTaken.fatal?.msg).toMatch(
      new RegExp(
        `^another Tillside gateway \\(pid ${running.pid}\\) is using .*/a; stop it \\(systemctl stop tillside\\)`,
      ),
    )
  }, 90_000)
})
