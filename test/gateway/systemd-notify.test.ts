/**
 * The gateway under a Type=notify unit, with the test playing systemd on a real Unix
 * datagram socket: READY=1 only once HTTP answers, WATCHDOG=1 pings at half the watchdog
 * period from the event loop (a stopped loop stops them), STOPPING=1 on SIGTERM. Without
 * NOTIFY_SOCKET, nothing is sent.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { startGatewayProcess } from '../helpers/cli.js'
import { tempDir } from '../helpers/tmp.js'
import { waitFor } from '../helpers/wait.js'

interface Received {
  at: number
  lines: string[]
}

/** A notify socket as systemd binds it: every datagram, with when it came. */
function playSystemd(path: string): { messages: Received[]; close: () => void } {
  const unix = createRequire(import.meta.url)('unix-dgram') as {
    createSocket(type: string, listener: (buf: Buffer) => void): { bind(p: string): void; close(): void }
  }
  const messages: Received[] = []
  const socket = unix.createSocket('unix_dgram', (buf) =>
    messages.push({ at: Date.now(), lines: buf.toString().split('\n') }),
  )
  socket.bind(path)
  return { messages, close: () => socket.close() }
}

describe('tillside start under systemd (Type=notify, WatchdogSec)', () => {
  let tmp: ReturnType<typeof tempDir>
  let child: ChildProcess | null = null
  let config: string
  beforeEach(() => {
    tmp = tempDir()
    config = join(tmp.dir, 'store.yaml')
    writeFileSync(
      config,
      `version: 2\nstore: { id: shop-n, name: Shop N }\ndataDir: data\nhttp: { host: 127.0.0.1, port: 0 }\n`,
    )
  })
  afterEach(() => {
    child?.kill('SIGKILL')
    tmp.cleanup()
  })

  it('says ready once it serves, pings the watchdog from its loop, and says when it stops', async () => {
    const systemd = playSystemd(join(tmp.dir, 'notify.sock'))
    try {
      const started = await startGatewayProcess(config, {
        env: { NOTIFY_SOCKET: join(tmp.dir, 'notify.sock'), WATCHDOG_USEC: '400000' },
      })
      child = started.child
      const ready = await waitFor(() => systemd.messages.find((m) => m.lines.includes('READY=1')), 'READY=1')
      expect(ready.lines).toContain(`MAINPID=${child.pid}`)
      expect(ready.lines.find((l) => l.startsWith('STATUS='))).toBe(`STATUS=serving ${started.address}`)
      // Nothing said ready before: it is the first message, and HTTP answers.
      expect(systemd.messages[0]).toBe(ready)
      expect((await fetch(`${started.address}/healthz`)).status).toBe(200)
      const pings = () => systemd.messages.filter((m) => m.lines.includes('WATCHDOG=1'))
      await waitFor(() => pings().length >= 3, 'three watchdog pings', 30_000)

      // A loop that does not run does not ping (SIGSTOP holds the whole process).
      child.kill('SIGSTOP')
      const held = pings().length
      const heldAt = Date.now()
      await waitFor(() => Date.now() - heldAt > 1000, 'a second without the loop')
      expect(pings().length - held).toBeLessThanOrEqual(1) // one may have been on its way
      child.kill('SIGCONT')
      await waitFor(() => pings().length > held + 1, 'pings again')

      const exited = new Promise((resolve) => child!.once('exit', resolve))
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
      expect(systemd.messages.some((m) => m.lines.includes('STOPPING=1'))).toBe(true)
    } finally {
      systemd.close()
    }
  }, 60_000)

  it('sends nothing without NOTIFY_SOCKET, and no pings for another process', async () => {
    const systemd = playSystemd(join(tmp.dir, 'notify.sock'))
    try {
      const started = await startGatewayProcess(config, {
        env: { NOTIFY_SOCKET: join(tmp.dir, 'notify.sock'), WATCHDOG_USEC: '200000', WATCHDOG_PID: '1' },
      })
      child = started.child
      await waitFor(() => systemd.messages.some((m) => m.lines.includes('READY=1')), 'READY=1')
      const at = Date.now()
      await waitFor(() => Date.now() - at > 500, 'half a second')
      expect(systemd.messages.filter((m) => m.lines.includes('WATCHDOG=1'))).toEqual([])
      child.kill('SIGKILL')
      const quiet = await startGatewayProcess(config, {
        env: { NOTIFY_SOCKET: '' },
      })
      child = quiet.child
      expect((await fetch(`${quiet.address}/healthz`)).status).toBe(200)
      expect(systemd.messages.filter((m) => m.lines.includes('READY=1'))).toHaveLength(1)
    } finally {
      systemd.close()
    }
  }, 60_000)
})
