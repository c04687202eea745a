import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { DataDirLock, DataDirLockedError, processStartTime } from '../../gateway/runtime/data-dir-lock.js'
import { tempDir } from '../helpers/tmp.js'

describe('DataDirLock', () => {
  let tmp: ReturnType<typeof tempDir>
  beforeEach(() => (tmp = tempDir()))
  afterEach(() => tmp.cleanup())

  it('refuses a data dir a live gateway holds, naming its pid', async () => {
    const lock = new DataDirLock(tmp.dir, 300)
    writeFileSync(lock.file, `${process.ppid}\n`) // the test runner's parent: certainly alive
    await expect(lock.start()).rejects.toBeInstanceOf(DataDirLockedError)
    await expect(lock.start()).rejects.toThrow(`pid ${process.ppid}`)
  })

  it('takes over the pid file of a gateway that died, and removes its own on stop', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!
    const lock = new DataDirLock(tmp.dir)
    writeFileSync(lock.file, `${dead}\n`)
    await lock.start()
    expect(readFileSync(lock.file, 'utf8')).toBe(`${process.pid} ${processStartTime(process.pid)}\n`)
    await lock.stop()
    expect(existsSync(lock.file)).toBe(false)
  })

  it('takes over a pid file whose pid now belongs to another process (reused after a power cut)', async () => {
    const lock = new DataDirLock(tmp.dir, 300)
    writeFileSync(lock.file, `${process.ppid} 1\n`) // alive, but started at another time than recorded
    await lock.start()
    await lock.stop()
  })

  it('waits for a gateway that is still stopping, then takes the lock', async () => {
    const stopping = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 1500)'])
    await new Promise((resolve) => stopping.once('spawn', resolve))
    const lock = new DataDirLock(tmp.dir, 20_000)
    writeFileSync(lock.file, `${stopping.pid} ${processStartTime(stopping.pid!)}\n`)
    let exited = false
    stopping.once('exit', () => (exited = true))
    await lock.start()
    expect(exited).toBe(true)
    expect(readFileSync(lock.file, 'utf8')).toMatch(new RegExp(`^${process.pid} `))
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
