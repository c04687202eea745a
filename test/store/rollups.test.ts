/**
 * Hourly rollups (issue #16) are kept by the writer with the events: after a random mix
 * of appends and commands they equal a full recount of `events`, and a journal from
 * before them (an upgraded store) gets them built at start, with progress in the log.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import Database from 'better-sqlite3'
import { Journal } from '../../gateway/store/journal.js'
import { HOUR_MS } from '../../gateway/store/rollups.js'
import { rollupsAndRecount } from '../helpers/rollups.js'
import { silentLogger } from '../../gateway/log.js'
import { captureLogs } from '../helpers/log-capture.js'
import { tempDir } from '../helpers/tmp.js'

const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)]!
const DAY0 = Date.UTC(2026, 10, 1)

/** One random event a busy store journals, at a random hour of ten days. */
function randomEvent(i: number) {
  const time = DAY0 + Math.floor(Math.random() * 240) * HOUR_MS + Math.floor(Math.random() * HOUR_MS)
  const campaign = pick([12, 13, 14])
  const kinds = [
    () => ({
      type: 'scan',
      payload: { data: `code-${i}`, symbology: null, aimId: null, role: pick(['till', 'kiosk']) },
    }),
    () => ({
      type: 'voucher.redeemed',
      payload: {
        voucherKey: `1:${campaign}:${i}`,
        kid: 1,
        campaign,
        serial: i,
        use: 1,
        maxUses: 1,
        store: 'shop-a',
        cashier: null,
        issuerStore: pick(['shop-a', 'shop-b', 'shop-c']),
        ...(Math.random() < 0.7 ? { value: { amount: pick([500, 2000]), currency: 'CNY' } } : {}),
      },
    }),
    () => ({
      type: 'voucher.rejected',
      payload: { reason: pick(['expired', 'already_redeemed', 'malformed']), cashier: null },
    }),
    () => ({
      type: 'pos.sale',
      payload: {
        pos: 'pos-1',
        amount: Math.floor(Math.random() * 50_000),
        currency: 'CNY',
        member: null,
        payments: [],
        redemptions: [],
        reference: null,
      },
    }),
    () => ({
      type: 'portal.session_started',
      payload: {
        sessionId: `s${i}`,
        memberId: `m${i}`,
        controller: 'none',
        expiresAt: time + HOUR_MS,
        randomisedMac: false,
      },
    }),
    () => ({ type: 'print.queued', payload: { printer: 'p', kind: 'test', requestKey: null, reprintOf: null } }),
  ]
  return { ...pick(kinds)(), device: null, time }
}

describe('hourly rollups', () => {
  const tmp = tempDir()
  let journal: Journal | undefined
  afterEach(async () => {
    await journal?.stop()
    journal = undefined
  })

  it(
    'equal a full recount of events after a random mix of 100,000 appends and commands',
    { timeout: 120_000 },
    async () => {
      const file = join(tmp.dir, 'mix.db')
      journal = new Journal(file, silentLogger())
      await journal.start()
      const pending: Promise<unknown>[] = []
      for (let i = 0; i < 100_000; i++) {
        // Commands append in the writer's transaction (member.created, with its own rollup path).
        if (i % 50 === 0)
          pending.push(
            journal.execute('member.enrol', {
              memberId: `mem-${i}`,
              phoneHash: randomBytes(16).toString('hex'),
              phoneEnc: 'x',
              qrSecret: 'y',
              consents: [],
              channel: pick(['kiosk', 'portal']),
              device: null,
            }),
          )
        else pending.push(journal.append(randomEvent(i) as Parameters<Journal['append']>[0]))
        if (pending.length >= 2000) await Promise.all(pending.splice(0))
      }
      await Promise.all(pending)
      await journal.stop()
      journal = undefined
      const { kept, recount } = rollupsAndRecount(file)
      expect(kept.length).toBeGreaterThan(240 * 5)
      expect(kept.reduce((n, r) => n + r.count, 0)).toBeGreaterThan(80_000) // print.queued is not rolled up
      expect(kept).toEqual(recount)
    },
  )

  it('are built at start for a journal from before them, with progress in the log', async () => {
    const file = join(tmp.dir, 'upgraded.db')
    journal = new Journal(file, silentLogger())
    await journal.start()
    await Promise.all(
      Array.from({ length: 5000 }, (_, i) => journal!.append(randomEvent(i) as Parameters<Journal['append']>[0])),
    )
    await journal.stop()
    // As a store upgraded from before migration 11 has it: events, no rollups.
    const db = new Database(file)
    db.exec('DELETE FROM rollup_hourly; UPDATE journal_meta SET rollup_seq = 0')
    db.close()
    const { log, lines } = captureLogs()
    journal = new Journal(file, log)
    await journal.start()
    await journal.stop()
    journal = undefined
    expect(lines.some((l) => /^hourly rollups built in \d+ ms$/.test(String(l.msg)) && l.total === 5000)).toBe(true)
    const { kept, recount } = rollupsAndRecount(file)
    expect(kept.length).toBeGreaterThan(100)
    expect(kept).toEqual(recount)
  })
})
