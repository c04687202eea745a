/**
 * A real Mosquitto broker as a child process on a free port, for the sync tests and
 * the sync bench: started, killed (SIGKILL, as a crash) and restarted on the same port,
 * with or without on-disk persistence. Needs mosquitto (scripts/setup-system).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { programPath } from './system-programs.js'
import { portOpen } from './port-open.js'

export interface MosquittoOptions {
  dir: string
  port: number
  /** Keep retained messages, sessions and queued messages on disk (saved every second). */
  persistence?: boolean
  /** mqtts:// only, clients must show a certificate from `ca`; its CN becomes the username (for %u ACL patterns). */
  tls?: { ca: string; cert: string; key: string }
  aclFile?: string
}

export class Mosquitto {
  private child: ChildProcess | null = null
  private output = ''

  constructor(private readonly opts: MosquittoOptions) {}

  get port(): number {
    return this.opts.port
  }

  get url(): string {
    return this.opts.tls ? `mqtts://localhost:${this.opts.port}` : `mqtt://127.0.0.1:${this.opts.port}`
  }

  async start(): Promise<void> {
    const bin = programPath('mosquitto')
    if (!bin) throw new Error('mosquitto is not installed — run scripts/setup-system')
    mkdirSync(this.opts.dir, { recursive: true })
    const conf = join(this.opts.dir, 'mosquitto.conf')
    writeFileSync(
      conf,
      [
        `listener ${this.opts.port} 127.0.0.1`,
        // As docs/sync.md asks of a chain's broker: requests and answers are not held back by Nagle.
        'set_tcp_nodelay true',
        // Run as root, mosquitto would switch to user "mosquitto", who cannot read our temp dirs.
        ...(process.getuid?.() === 0 ? ['user root'] : []),
        ...(this.opts.tls
          ? [
              `cafile ${this.opts.tls.ca}`,
              `certfile ${this.opts.tls.cert}`,
              `keyfile ${this.opts.tls.key}`,
              'require_certificate true',
              'use_identity_as_username true',
              'allow_anonymous false',
            ]
          : ['allow_anonymous true']),
        ...(this.opts.aclFile ? [`acl_file ${this.opts.aclFile}`] : []),
        `persistence ${this.opts.persistence ? 'true' : 'false'}`,
        `persistence_location ${this.opts.dir}/`,
        'autosave_interval 1',
        // Room for a drained backlog queued for an offline ingest session.
        'max_queued_messages 100000',
        'max_inflight_messages 0',
        'log_dest stderr',
        'log_type error',
        'log_type warning',
        '',
      ].join('\n'),
    )
    const child = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] })
    child.stderr!.on('data', (d: Buffer) => (this.output = (this.output + d.toString()).slice(-4000)))
    this.child = child
    const deadline = Date.now() + 10_000
    while (!(await portOpen(this.opts.port))) {
      if (child.exitCode !== null) throw new Error(`mosquitto exited (${child.exitCode}): ${this.output}`)
      if (Date.now() > deadline) throw new Error(`mosquitto did not listen on ${this.opts.port}: ${this.output}`)
      await new Promise((r) => setTimeout(r, 25))
    }
  }

  /** SIGKILL: a crash, nothing saved since the last autosave. */
  async kill(): Promise<void> {
    const child = this.child
    this.child = null
    if (!child || child.exitCode !== null) return
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGKILL')
    await exited
  }

  async restart(): Promise<void> {
    await this.kill()
    await this.start()
  }
}
