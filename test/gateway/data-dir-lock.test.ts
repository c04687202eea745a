/**
 * One gateway per data dir, held by a kernel lock: refused while another process holds it
 * (naming its pid), free the moment that process dies however it died, never blocked by a
 * pid file left behind whose pid now belongs to another program, waited for while a
 * gateway is stopping.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { DataDirLock, DataDirLockedError } from '../../gateway/runtime/data-dir-lock.js'
import { tempDir } from '../helpers/tmp.js'

/** Another process holding the data dir's lock, as a gateway does; `holdMs` then it exits by itself. */
async function holder(dir: string, holdMs = 600_000): Promise<ChildProcess> {
  const script = `
    const Database = require('better-sqlite3')
    const db = new Database(${JSON.stringify(join(dir, 'tillside.lock'))}, { timeout: 0 })
    db.pragma('locking_mode = EXCLUSIVE'); db.pragma('journal_mode = MEMORY'); db.exec('BEGIN EXCLUSIVE; COMMIT')
    require('fs').writeFileSync(${JSON.stringify(join(dir, 'tillside.pid'))}, process.pid + '\\n')
    process.stdout.write('locked\\n')
    setTimeout(() => {}, ${holdMs})`
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve())
    child.once('exit', (code) => reject(new Error(`the holder exited (${code})`)))
  })
  return child
}

describe('DataDirLock', () => {
  let tmp: ReturnType<typeof tempDir>
  const children: ChildProcess[] = []
  beforeEach(() => (tmp = tempDir()))
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL')
    tmp.cleanup()
  })

  it('refuses a data dir another live process holds, naming its pid, and takes it once that one is killed', async () => {
    const other = await holder(tmp.dir)
    children.push(other)
    const lock = new DataDirLock(tmp.dir, 300)
    const refused = await lock.start().catch((err: unknown) => err)
    expect(refused).toBeInstanceOf(DataDirLockedError)
    expect((refused as DataDirLockedError).message).toContain(`pid ${other.pid}`)
    // SIGKILL: no clean-up ran, its pid file is still there; the kernel dropped the lock.
    const gone = new Promise((resolve) => other.once('exit', resolve))
    other.kill('SIGKILL')
    await gone
    expect(existsSync(lock.file)).toBe(true)
    await lock.start()
    expect(readFileSync(lock.file, 'utf8')).toBe(`${process.pid}\n`)
    await lock.stop()
    expect(existsSync(lock.file)).toBe(false)
  })

  it("is not fooled by a pid file whose pid is another program's now (reused after a power cut)", async () => {
    const lock = new DataDirLock(tmp.dir, 300)
    writeFileSync(lock.file, `${process.ppid}\n`) // the test runner's parent: alive, but not a gateway
    await lock.start()
    await lock.stop()
  })

  it('refuses a second lock in the same process', async () => {
    const first = new DataDirLock(tmp.dir, 300)
    await first.start()
    try {
      await expect(new DataDirLock(tmp.dir, 300).start()).rejects.toThrow(`pid ${process.pid}`)
    } finally {
      await first.stop()
    }
  })

  it('waits for a gateway that is still stopping, then takes the lock', async () => {
    const stopping = await holder(tmp.dir, 3000)
    children.push(stopping)
    const exited = new Promise((resolve) => stopping.once('exit', resolve))
    // Still held: a lock that does not wait is refused.
    await expect(new DataDirLock(tmp.dir, 0).start()).rejects.toBeInstanceOf(DataDirLockedError)
    const lock = new DataDirLock(tmp.dir, 20_000)
    await lock.start()
    // The kernel frees the lock as the holder exits, before this process is told of the exit.
    await exited
    expect(readFileSync(lock.file, 'utf8')).toBe(`${process.pid}\n`)
    await lock.stop()
  })

  it('makes its own data dir private, but never chmods a shared directory it was pointed at', async () => {
    const own = join(tmp.dir, 'own')
    mkdirSync(own, { mode: 0o755 })
    chmodSync(own, 0o755) // as an installer may have made it (the umask narrows mkdir's mode)
    const lock = new DataDirLock(own, 300)
    await lock.start()
    await lock.stop()
    expect(statSync(own).mode & 0o777).toBe(0o700)
    const shared = join(tmp.dir, 'shared')
    mkdirSync(shared)
    chmodSync(shared, 0o755)
    writeFileSync(join(shared, 'someone-elses-file'), '')
    const there = new DataDirLock(shared, 300)
    await there.start()
    await there.stop()
    expect(statSync(shared).mode & 0o777).toBe(0o755)
  })
})
