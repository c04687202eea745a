import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { DataDirLock, DataDirLockedError } from '../../gateway/runtime/data-dir-lock.js'
import { tempDir } from '../helpers/tmp.js'

describe('DataDirLock', () => {
  let tmp: ReturnType<typeof tempDir>
  beforeEach(() => (tmp = tempDir()))
  afterEach(() => tmp.cleanup())

  it('refuses a data dir a live gateway holds, naming its pid', async () => {
    const lock = new DataDirLock(tmp.dir)
    writeFileSync(lock.file, `${process.ppid}\n`) // the test runner's parent: certainly alive
    await expect(lock.start()).rejects.toBeInstanceOf(DataDirLockedError)
    await expect(lock.start()).rejects.toThrow(`pid ${process.ppid}`)
  })

  it('takes over the pid file of a gateway that died, and removes its own on stop', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!
    const lock = new DataDirLock(tmp.dir)
    writeFileSync(lock.file, `${dead}\n`)
    await lock.start()
    expect(readFileSync(lock.file, 'utf8')).toBe(`${process.pid}\n`)
    await lock.stop()
    expect(existsSync(lock.file)).toBe(false)
  })
})
