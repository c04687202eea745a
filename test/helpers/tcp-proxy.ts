/**
 * A TCP proxy between a client and a broker, to break the link on purpose: `cut()`
 * drops every connection (and refuses new ones while `down`), `stall()` keeps the
 * connections open but stops reading (TCP backpressure holds the bytes back) — the
 * half-dead link a flaky uplink gives; `restore()` lets them flow again.
 */
import { createServer, connect, type Server, type Socket } from 'node:net'

export class TcpProxy {
  private server: Server | null = null
  private readonly pairs = new Set<{ client: Socket; upstream: Socket; flowing: boolean }>()
  private stalled = false
  down = false
  port = 0

  constructor(private readonly targetPort: number) {}

  async start(): Promise<number> {
    const server = createServer((client) => {
      if (this.down) return void client.destroy()
      const upstream = connect(this.targetPort, '127.0.0.1')
      const pair = { client, upstream, flowing: false }
      this.pairs.add(pair)
      const close = () => {
        this.pairs.delete(pair)
        client.destroy()
        upstream.destroy()
      }
      if (!this.stalled) this.flow(pair)
      client.on('close', close).on('error', close)
      upstream.on('close', close).on('error', close)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
    this.server = server
    this.port = (server.address() as { port: number }).port
    return this.port
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`
  }

  /** Drops every connection; with `refuse`, new ones are refused until `restore()`. */
  cut(refuse = false): void {
    this.down = refuse
    for (const p of this.pairs) {
      p.client.destroy()
      p.upstream.destroy()
    }
  }

  /** Stops forwarding without closing anything; the bytes wait in the kernel's buffers. */
  stall(): void {
    this.stalled = true
    for (const p of this.pairs) {
      p.client.unpipe()
      p.upstream.unpipe()
      p.client.pause()
      p.upstream.pause()
      p.flowing = false
    }
  }

  private flow(p: { client: Socket; upstream: Socket; flowing: boolean }): void {
    p.client.pipe(p.upstream)
    p.upstream.pipe(p.client)
    p.flowing = true
  }

  restore(): void {
    for (const p of this.pairs) if (!p.flowing) this.flow(p)
    this.stalled = false
    this.down = false
  }

  async stop(): Promise<void> {
    this.cut(true)
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
  }
}
