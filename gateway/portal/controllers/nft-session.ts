/**
 * One long-lived `nft -i` for the guest logins: spawning nft per login cost 5–17 ms
 * before nft itself ran and kept portal.login's p99 near 100 ms (issue #13, item 13);
 * through a running nft a login is a set update. Requests run one at a time: each writes
 * its commands, then a marker command whose fixed answer on stdout says nft is done with
 * them. Anything nft wrote to stderr meanwhile is that request's error. If nft exits,
 * the request in flight fails and the next one starts a fresh nft.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { ControllerError } from './controller.js'

/** A command with a short, fixed, one-line answer that no real command prints. */
const MARKER = 'describe ip saddr'
const MARKER_ANSWER = 'payload expression, datatype ipv4_addr'

interface Pending {
  commands: string
  resolve: (output: string) => void
  reject: (err: Error) => void
}

export class NftSession {
  private child: ChildProcessWithoutNullStreams | null = null
  private readonly queue: Pending[] = []
  private current: Pending | null = null
  private stdout = ''
  private stderr = ''

  constructor(
    private readonly nft: string,
    private readonly args: string[] = [],
  ) {}

  /** Runs newline-separated commands; resolves with what they printed, rejects with nft's first error line. */
  run(commands: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.queue.push({ commands, resolve, reject })
      this.next()
    })
  }

  /** The running nft's pid (for status and tests), null when none runs. */
  get pid(): number | null {
    return this.child?.pid ?? null
  }

  close(): void {
    const child = this.child
    this.child = null
    child?.stdin.end()
    child?.kill()
  }

  private next(): void {
    if (this.current || this.queue.length === 0) return
    const child = this.child ?? this.spawn()
    if (!child) return
    this.current = this.queue.shift()!
    this.stdout = ''
    this.stderr = ''
    // One line is one nft transaction: a request's commands apply together or not at all.
    child.stdin.write(`${this.current.commands.trim().replace(/\n/g, '; ')}\n${MARKER}\n`)
  }

  private spawn(): ChildProcessWithoutNullStreams | null {
    let child: ChildProcessWithoutNullStreams
    try {
      child = spawn(this.nft, [...this.args, '-i'], { stdio: ['pipe', 'pipe', 'pipe'] })
    } catch (err) {
      this.failAll(new ControllerError(`cannot run ${this.nft}: ${(err as Error).message}`))
      return null
    }
    this.child = child
    child.stdout.setEncoding('utf8').on('data', (d: string) => this.onStdout(d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (this.stderr += d))
    child.stdin.on('error', () => {}) // a dead nft shows as 'exit'
    child.on('error', (err) => this.gone(child, `cannot run ${this.nft}: ${err.message}`))
    child.on('exit', (code) => this.gone(child, `nft exited (${code})`))
    return child
  }

  private onStdout(data: string): void {
    this.stdout += data
    const at = this.stdout.indexOf(MARKER_ANSWER)
    if (at < 0 || !this.current) return
    const lineEnd = this.stdout.indexOf('\n', at)
    if (lineEnd < 0) return
    const output = this.stdout.slice(0, at)
    this.stdout = this.stdout.slice(lineEnd + 1)
    const done = this.current
    // stderr written before the marker's answer is read in the same turn of the loop; let it land.
    setImmediate(() => {
      this.current = null
      const error = this.stderr.split('\n').find((l) => l.startsWith('Error:'))
      this.stderr = ''
      if (error) done.reject(new ControllerError(`nft failed: ${error}`))
      else done.resolve(output)
      this.next()
    })
  }

  private gone(child: ChildProcessWithoutNullStreams, why: string): void {
    if (this.child !== child) return
    this.child = null
    const current = this.current
    this.current = null
    current?.reject(new ControllerError(why))
    this.next()
  }

  private failAll(err: Error): void {
    for (const p of this.queue.splice(0)) p.reject(err)
  }
}
