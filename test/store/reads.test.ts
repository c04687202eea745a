/** The read layer (gateway/store/read/): typed rows, and old journals read like new ones. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { Journal } from '../../gateway/store/journal.js'
import { VoucherReads } from '../../gateway/store/read/voucher-reads.js'
import { SyncReads } from '../../gateway/store/read/sync-reads.js'
import { silentLogger } from '../../gateway/log.js'
import { tempDir } from '../helpers/tmp.js'
import { STATEMENTS_KEPT } from '../../gateway/store/statement-cache.js'

describe('store reads', () => {
  const tmp = tempDir()
  const journal = new Journal(join(tmp.dir, 'reads.db'), silentLogger())
  beforeAll(() => journal.start())
  afterAll(async () => {
    await journal.stop()
    tmp.cleanup()
  })

  it('reads refusals journaled before contract v1 (voucher named `key`) like new ones', async () => {
    const ref = { kid: 1, campaign: 12, serial: 7, cashier: null }
    await journal.append({
      type: 'voucher.rejected',
      payload: { reason: 'expired', detail: 'old', key: '1:12:7', ...ref } as never,
    })
    await journal.append({ type: 'voucher.rejected', payload: { reason: 'revoked', voucherKey: '1:12:8', ...ref } })
    await journal.append({ type: 'voucher.rejected', payload: { reason: 'malformed', cashier: 'ann' } })
    const outcomes = new VoucherReads(journal)
      .recentOutcomes(10)
      .map((e) => [e.type === 'voucher.rejected' ? e.payload.reason : 'redeemed', e.payload.voucherKey])
    expect(outcomes).toEqual([
      ['malformed', undefined],
      ['revoked', '1:12:8'],
      ['expired', '1:12:7'],
    ])
  })

  it('answers the relay from the database: last seq, the first time after a seq, events as stored', async () => {
    const sync = new SyncReads(journal)
    expect(sync.lastSeq()).toBe(3)
    expect(sync.ackedSeq()).toBe(0)
    expect(sync.firstTimeAfter(3)).toBeNull()
    expect(typeof sync.firstTimeAfter(2)).toBe('number')
    expect(sync.eventsAfter(1, 1).map((e) => [e.seq, typeof e.payload])).toEqual([[2, 'string']])
    expect(sync.command('nope')).toBeNull()
  })

  it('keeps a statement per SQL text, never more than its cap, and still answers past it', () => {
    const count = (n: number) => journal.query(`SELECT ${n} AS n`).pluck().get() as number
    expect(journal.query('SELECT 1 AS n')).toBe(journal.query('SELECT 1 AS n'))
    // SQL built from values (a bug): every text new. The map stops at its cap; answers stay right.
    for (let n = 0; n < STATEMENTS_KEPT + 500; n++) expect(count(n)).toBe(n)
    expect(journal.statementsKept).toBe(STATEMENTS_KEPT)
  })
})
