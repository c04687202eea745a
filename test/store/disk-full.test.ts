/**
 * A full disk, for real: the journal lives on a tiny tmpfs (1 MB: the schema and a few
 * events). Appends that cannot be made durable are rejected with code `disk_full` (never
 * acknowledged), everything acknowledged before survives, and the journal recovers once
 * space is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { Journal } from '../../gateway/store/journal.js'
import { JournalWriteError } from '../../gateway/store/journal-errors.js'
import { silentLogger } from '../../gateway/log.js'

function canMount(): boolean {
  if (process.getuid?.() === 0) return true
  const message = 'disk-full test: needs root to mount a tmpfs'
  if (process.env.CI === 'true' || process.env.CI === '1')
    throw new Error(`${message} (CI runs as root; this must not skip there)`)
  process.stderr.write(`\n  !!! SKIPPING ${message}\n\n`)
  return false
}

describe.skipIf(!canMount())('journal on a full disk', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tillside-full-'))
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir])
  })
  afterAll(() => {
    execFileSync('umount', [dir])
    rmSync(dir, { recursive: true, force: true })
  })

  it('rejects what it cannot make durable, keeps what it acknowledged, recovers', async () => {
    const journal = new Journal(join(dir, 'tillside.db'), silentLogger())
    await journal.start()
    const acked: string[] = []
    let failure: unknown = null
    const blob = 'x'.repeat(20_000)
    for (let i = 0; i < 200 && !failure; i++) {
      try {
        acked.push((await journal.append({ type: 'fill', payload: { i, blob } })).id)
      } catch (err) {
        failure = err
      }
    }
    expect(failure).toBeInstanceOf(JournalWriteError)
    expect((failure as JournalWriteError).code).toBe('disk_full')
    expect(acked.length).toBeGreaterThan(5)
    expect(journal.getHealth()).toMatchObject({ state: 'degraded', lastError: { code: 'disk_full' } })
    expect(journal.getHealth().lastSeq).toBe(acked.length)

    execFileSync('mount', ['-o', 'remount,size=8m', dir])
    const after = await journal.append({ type: 'fill', payload: { after: true } })
    expect(after.seq).toBe(acked.length + 1) // the failed batch used no seq
    expect(journal.getHealth().state).toBe('ok')
    await journal.stop()

    const db = new Database(join(dir, 'tillside.db'), { readonly: true })
    const ids = (db.prepare('SELECT id FROM events ORDER BY seq').all() as { id: string }[]).map((r) => r.id)
    db.close()
    expect(ids).toEqual([...acked, after.id])
  })
})
