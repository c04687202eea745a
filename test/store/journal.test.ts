import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { Journal } from '../../gateway/store/journal.js'
import { JournalInputError, JournalUnavailableError } from '../../gateway/store/journal-errors.js'
import { silentLogger } from '../../gateway/log.js'
import { tempDir } from '../helpers/tmp.js'

describe('Journal', () => {
  let tmp: ReturnType<typeof tempDir>
  let journal: Journal
  beforeEach(async () => {
    tmp = tempDir()
    journal = new Journal(join(tmp.dir, 'store.db'), silentLogger())
    await journal.start()
  })
  afterEach(async () => {
    await journal.stop()
    tmp.cleanup()
  })

  it('appends with ULID ids and contiguous seqs, durable with synchronous=FULL in WAL', async () => {
    const a = await journal.append({
      type: 'scan',
      device: 'till-scanner',
      payload: { data: 'A', symbology: null, aimId: null, role: 'till' },
    })
    const b = await journal.append({
      type: 'scan',
      device: null,
      payload: { data: 'B', symbology: null, aimId: null, role: 'till' },
    })
    expect(a.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/)
    expect(b.id > a.id).toBe(true)
    expect(b.seq).toBe(a.seq + 1)
    const db = new Database(journal.file, { readonly: true })
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 2 })
    db.close()
  })

  it('shares one commit between appends that arrive together, each resolved with its own seq', async () => {
    const events = await Promise.all(
      Array.from({ length: 500 }, (_, i) => journal.append({ type: 'test', payload: { i } })),
    )
    const seqs = events.map((e) => e.seq)
    expect(new Set(seqs).size).toBe(500)
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y))
    const health = journal.getHealth()
    expect(health.commits).toBeLessThan(50)
    expect(health.lastSeq).toBe(seqs.at(-1))
    expect(journal.readAfter(seqs[9]!, 3).map((e) => e.payload)).toEqual([{ i: 10 }, { i: 11 }, { i: 12 }])
  })

  it('refuses bad input with a coded error and records nothing', async () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    await expect(journal.append({ type: 'Bad Type', payload: {} })).rejects.toMatchObject({ code: 'invalid_type' })
    await expect(journal.append({ type: 'x', payload: cyclic })).rejects.toBeInstanceOf(JournalInputError)
    await expect(journal.append({ type: 'x', payload: { big: 'x'.repeat(300_000) } })).rejects.toMatchObject({
      code: 'payload_too_large',
    })
    await expect(journal.append({ type: 'x', device: '', payload: {} })).rejects.toMatchObject({
      code: 'invalid_device',
    })
    expect(journal.getHealth().lastSeq).toBe(0)
  })

  it('keeps seq monotonic across restarts and refuses appends after stop', async () => {
    const first = await journal.append({ type: 'a', payload: {} })
    await journal.stop()
    await expect(journal.append({ type: 'a', payload: {} })).rejects.toBeInstanceOf(JournalUnavailableError)
    journal = new Journal(journal.file, silentLogger())
    await journal.start()
    const second = await journal.append({ type: 'a', payload: {} })
    expect(second.seq).toBe(first.seq + 1)
  })

  it('flushes every accepted append on stop', async () => {
    const pending = Array.from({ length: 200 }, (_, i) => journal.append({ type: 'a', payload: { i } }))
    await journal.stop()
    const settled = await Promise.allSettled(pending)
    expect(settled.every((s) => s.status === 'fulfilled')).toBe(true)
    const db = new Database(journal.file, { readonly: true })
    expect(db.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 200 })
    db.close()
    journal = new Journal(journal.file, silentLogger())
    await journal.start()
  })

  it('rejects updates to journaled events (append-only)', async () => {
    await journal.append({ type: 'a', payload: {} })
    const db = new Database(journal.file)
    expect(() => db.prepare("UPDATE events SET type = 'b'").run()).toThrow(/append-only/)
    db.close()
  })
  it('runs writer commands in the batch; a command that throws rolls back alone, the batch commits', async () => {
    // A second write connection (the database takes two writers) sets a serial counter at its limit.
    const other = new Database(journal.file)
    other.prepare('INSERT INTO voucher_serials (kid, campaign, last_serial) VALUES (1, 5, ?)').run(0xffffff)
    other.close()
    const issue = {
      kid: 1,
      campaign: 5,
      member: null,
      maxPerMember: null,
      expiresHour: 1,
      channel: 'cli',
      device: null,
      store: 's',
    }
    const [a, failed, ok, b] = await Promise.allSettled([
      journal.append({ type: 'before', payload: {} }),
      journal.execute('voucher.issue', issue),
      journal.execute('voucher.issue', { ...issue, campaign: 6 }),
      journal.append({ type: 'after', payload: {} }),
    ])
    expect(failed).toMatchObject({
      status: 'rejected',
      reason: { name: 'JournalCommandError', code: 'serials_exhausted' },
    })
    if (a.status !== 'fulfilled' || ok.status !== 'fulfilled' || b.status !== 'fulfilled')
      throw new Error('expected the rest to commit')
    expect(ok.value.result).toMatchObject({ ok: true, serial: 1 })
    expect([a.value.seq, ok.value.events[0]!.seq, b.value.seq]).toEqual([a.value.seq, a.value.seq + 1, a.value.seq + 2])
    const db = new Database(journal.file, { readonly: true })
    expect(db.prepare('SELECT last_serial FROM voucher_serials WHERE campaign = 5').pluck().get()).toBe(0xffffff)
    expect(db.prepare("SELECT count(*) FROM events WHERE type = 'voucher.issued'").pluck().get()).toBe(1)
    db.close()
  })
})
