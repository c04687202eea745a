/**
 * A real PostgreSQL server as a child process on a free port in a folder of its own, for
 * the cloud tests and benches (as scripts/mosquitto.ts is for the broker): `initdb` once,
 * the `postgres` server started, SIGKILLed with all its backends (a crash: it recovers
 * from its WAL on the next start) and restarted on the same port. Needs Debian's
 * postgresql package (scripts/setup-system). PostgreSQL refuses to run as root, so under
 * root the server runs as the package's `postgres` user, which then owns the folder.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { programPath } from './system-programs.js'
import { portOpen } from './port-open.js'

export interface PostgresOptions {
  dir: string
  port: number
  /**
   * fsync off: a test's crashes are process kills, which keep the OS's page cache, so what
   * was committed survives them all the same; benches keep fsync on (what a chain runs).
   */
  fsync?: boolean
}

export class Postgres {
  private child: ChildProcess | null = null
  private output = ''

  constructor(private readonly opts: PostgresOptions) {}

  get url(): string {
    return `postgres://tillside@127.0.0.1:${this.opts.port}/tillside`
  }

  get port(): number {
    return this.opts.port
  }

  private get data(): string {
    return join(this.opts.dir, 'data')
  }

  /** The uid/gid to run as: ourselves, or the `postgres` user when we are root. */
  private owner(): { uid: number; gid: number } | undefined {
    if (process.getuid?.() !== 0) return undefined
    try {
      const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }))
      return { uid: id('-u'), gid: id('-g') }
    } catch {
      throw new Error("running as root and there is no postgres user (Debian's postgresql package makes it)")
    }
  }

  async start(): Promise<void> {
    const initdb = programPath('initdb')
    const server = programPath('postgres')
    if (!initdb || !server) throw new Error('PostgreSQL is not installed — run scripts/setup-system')
    const owner = this.owner()
    mkdirSync(this.opts.dir, { recursive: true })
    if (owner) {
      chownSync(this.opts.dir, owner.uid, owner.gid)
      // mkdtemp makes folders only their owner may enter: the server's user must pass through.
      const parent = dirname(this.opts.dir)
      chmodSync(parent, statSync(parent).mode | 0o011)
    }
    const fresh = !existsSync(join(this.data, 'PG_VERSION'))
    if (fresh) {
      execFileSync(initdb, ['-D', this.data, '-U', 'tillside', '--auth=trust', '-E', 'UTF8', '--no-sync'], {
        stdio: 'pipe',
        ...owner,
      })
    }
    const settings = [
      `port=${this.opts.port}`,
      'listen_addresses=127.0.0.1',
      `unix_socket_directories=${this.opts.dir}`,
      `fsync=${this.opts.fsync === false ? 'off' : 'on'}`,
      'max_connections=200',
      'shared_buffers=128MB',
    ]
    // Its own process group: a kill takes the backends with the server, as a power cut would.
    const child = spawn(server, ['-D', this.data, ...settings.flatMap((s) => ['-c', s])], {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
      ...owner,
    })
    child.stderr!.on('data', (d: Buffer) => (this.output = (this.output + d.toString()).slice(-4000)))
    this.child = child
    const deadline = Date.now() + 60_000
    while (!(await portOpen(this.opts.port))) {
      if (child.exitCode !== null) throw new Error(`postgres exited (${child.exitCode}): ${this.output}`)
      if (Date.now() > deadline) throw new Error(`postgres did not listen on ${this.opts.port}: ${this.output}`)
      await new Promise((r) => setTimeout(r, 50))
    }
    await this.untilReady(fresh)
  }

  /**
   * Listening comes before taking connections (start-up, crash recovery): waits for a real
   * query, and makes the `tillside` database on a fresh cluster.
   */
  private async untilReady(fresh: boolean): Promise<void> {
    const pg = await import('pg')
    const deadline = Date.now() + 60_000
    for (;;) {
      const client = new pg.default.Client({ connectionString: this.url.replace(/\/tillside$/, '/postgres') })
      try {
        await client.connect()
        await client.query(fresh ? 'CREATE DATABASE tillside' : 'SELECT 1')
        return
      } catch (err) {
        const code = (err as { code?: string }).code
        if (Date.now() > deadline || (code !== '57P03' && code !== 'ECONNREFUSED')) throw err
        await new Promise((r) => setTimeout(r, 50))
      } finally {
        await client.end().catch(() => undefined)
      }
    }
  }

  /** SIGKILL to the server and every backend: a crash; the next start replays the WAL. */
  async kill(): Promise<void> {
    const child = this.child
    this.child = null
    if (!child || child.exitCode !== null || child.pid === undefined) return
    const exited = new Promise((r) => child.once('exit', r))
    process.kill(-child.pid, 'SIGKILL')
    await exited
    await this.waitForBackendsGone(child.pid)
  }

  /** Fast shutdown (SIGINT), for the end of a suite. */
  async stop(): Promise<void> {
    const child = this.child
    this.child = null
    if (!child || child.exitCode !== null) return
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGINT')
    await exited
  }

  async restart(): Promise<void> {
    await this.kill()
    await this.start()
  }

  /** A backend outliving the kill would keep the shared memory, and the next start would refuse. */
  private async waitForBackendsGone(group: number): Promise<void> {
    const deadline = Date.now() + 30_000
    while (Date.now() < deadline) {
      try {
        execFileSync('pgrep', ['-g', String(group)], { stdio: 'ignore' })
      } catch {
        return // pgrep exits 1 when no process is left in the group
      }
      await new Promise((r) => setTimeout(r, 50))
    }
  }
}
