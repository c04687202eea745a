/**
 * systemd's notify protocol (sd_notify(3)) for the Type=notify unit: READY=1 once the
 * journal, HTTP and the devices are up (not when the process merely exists), STOPPING=1 on
 * shutdown, and WATCHDOG=1 from the event loop every half WatchdogSec — a loop wedged by a
 * bug stops pinging and systemd restarts the gateway. Without NOTIFY_SOCKET (a terminal,
 * `npm start`, tests) it does nothing. Node has no Unix datagram sockets: unix-dgram (a
 * small native addon) sends them.
 */
import { createRequire } from 'node:module'
import type { Logger } from '../log.js'

interface DgramSocket {
  send(buf: Buffer, offset: number, length: number, path: string, cb: (err?: Error) => void): void
  on(event: 'error', listener: (err: Error) => void): void
  close(): void
}

export class SystemdNotifier {
  private watchdog: NodeJS.Timeout | null = null
  private closed = false

  private constructor(
    private readonly socket: DgramSocket,
    /** Where systemd listens; '@…' is Linux's abstract namespace. */
    private readonly path: string,
    /** Half the watchdog's period (ms), when systemd watches this process. */
    private readonly pingMs: number | null,
    private readonly log: Logger,
  ) {
    socket.on('error', (err) => log.warn({ err: err.message }, 'systemd notify socket failed'))
  }

  /** The notifier systemd asked for through the environment, or null when not run by systemd. */
  static fromEnv(env: NodeJS.ProcessEnv, log: Logger, pid = process.pid): SystemdNotifier | null {
    const socketPath = env.NOTIFY_SOCKET
    if (!socketPath) return null
    const usec = Number(env.WATCHDOG_USEC)
    // WATCHDOG_PID names the process the watchdog is for; not us: someone else pings.
    const ours = env.WATCHDOG_PID === undefined || Number(env.WATCHDOG_PID) === pid
    const pingMs = Number.isFinite(usec) && usec > 0 && ours ? Math.max(1, Math.floor(usec / 2000)) : null
    const unix = createRequire(import.meta.url)('unix-dgram') as {
      createSocket(type: 'unix_dgram'): DgramSocket
    }
    const path = socketPath.startsWith('@') ? `\0${socketPath.slice(1)}` : socketPath
    return new SystemdNotifier(unix.createSocket('unix_dgram'), path, pingMs, log)
  }

  /** Up: systemd marks the unit started (dependants start now) and the watchdog starts counting. */
  ready(status: string): void {
    this.send(`READY=1\nSTATUS=${status}\nMAINPID=${process.pid}`)
    if (this.pingMs === null || this.watchdog) return
    this.watchdog = setInterval(() => this.send('WATCHDOG=1'), this.pingMs)
    this.watchdog.unref()
  }

  status(text: string): void {
    this.send(`STATUS=${text}`)
  }

  /** Shutting down: no more pings (a slow stop is not a hang), and systemd knows it is on purpose. */
  stopping(): void {
    if (this.watchdog) clearInterval(this.watchdog)
    this.watchdog = null
    this.send('STOPPING=1')
  }

  close(): void {
    this.stopping()
    this.closed = true
    this.socket.close()
  }

  private send(text: string): void {
    if (this.closed) return
    const buf = Buffer.from(text)
    this.socket.send(buf, 0, buf.length, this.path, (err) => {
      if (err) this.log.warn({ err: err.message }, 'systemd notify not sent')
    })
  }
}
