/**
 * A real pseudo-terminal pair from socat: the device side is opened by the code under
 * test through serialport exactly like /dev/ttyACM0; the test writes the scanner's bytes
 * into the other side. Killing socat is "unplugging the scanner".
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import tty from 'node:tty'

export class PtyPair {
  private proc: ChildProcess | null = null
  private file: FileHandle | null = null
  private reader: tty.ReadStream | null = null
  /** What the code under test wrote to the device (scanner commands), once `listen()` was called. */
  received = ''

  /** `devicePath` is what the gateway opens; the test writes into `hostPath`. */
  constructor(
    readonly devicePath: string,
    readonly hostPath: string,
  ) {}

  async start(): Promise<void> {
    this.proc = spawn(
      'socat',
      ['-d', '-d', `pty,raw,echo=0,link=${this.devicePath}`, `pty,raw,echo=0,link=${this.hostPath}`],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    )
    const started = Date.now()
    while (!(existsSync(this.devicePath) && existsSync(this.hostPath))) {
      if (this.proc.exitCode !== null) throw new Error(`socat exited with ${this.proc.exitCode}`)
      if (Date.now() - started > 5000) throw new Error('socat did not create the pty pair within 5 s')
      await sleep(10)
    }
    this.file = await open(this.hostPath, 'r+')
  }

  /**
   * Writes bytes as the scanner would send them. Asynchronous on purpose: a pty buffer
   * holds a few KiB, and a blocking write would starve the reader in this same process.
   */
  async write(data: string | Buffer): Promise<void> {
    if (this.file === null) throw new Error('pty pair not started')
    const buf = typeof data === 'string' ? Buffer.from(data, 'latin1') : data
    let off = 0
    while (off < buf.length) off += (await this.file.write(buf, off)).bytesWritten
  }

  /** Starts collecting bytes written to the device side into `received`. */
  listen(): void {
    if (this.file === null) throw new Error('pty pair not started')
    this.reader = new tty.ReadStream(this.file.fd)
    this.reader.on('data', (d: Buffer) => (this.received += d.toString('latin1')))
  }

  /** Unplugs: socat exits and both pty ends vanish. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.reader?.destroy()
    this.reader = null
    await this.file?.close()
    this.file = null
    const proc = this.proc
    this.proc = null
    if (!proc || proc.exitCode !== null) return
    const exited = new Promise((resolve) => proc.once('exit', resolve))
    proc.kill(signal)
    await exited
  }
}
