/**
 * The cloud database contract (sync/ingest/cloud-db.ts), one suite over both engines:
 * SQLite (a store's own cloud, a development cloud) and a real PostgreSQL (a chain's).
 * Idempotent by (store, seq), in seq order only, batches past a hole held; online claims
 * that keep local + remote uses within the limit; double uses across stores; the pipe's
 * departures; card routing; enrolment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { EventBatch, WireEvent } from '../../sync/contract.js'
import type { CloudDb } from '../../sync/ingest/cloud-db.js'
import { CloudStore } from '../../sync/ingest/cloud-store.js'
import { SqliteCloudDb } from '../../sync/ingest/sqlite-cloud-db.js'
import { PgCloudDb } from '../../sync/ingest/pg/pg-cloud-db.js'
import type { Postgres } from '../../scripts/postgres.js'
import { silentLogger } from '../../gateway/log.js'
import { tempDir } from '../helpers/tmp.js'
import { freshDatabase, havePostgres, startPostgres } from '../helpers/postgres.js'

const T0 = Date.UTC(2026, 10, 30, 23, 0) // an hour before a month ends: batches span two partitions
let n = 0
const ev = (seq: number, type: string, payload: object, time = T0 + seq * 60_000): WireEvent => ({
  seq,
  id: `e${++n}`,
  type,
  time,
  device: null,
  payload,
})
const batch = (store: string, events: WireEvent[]): EventBatch => ({ v: 1, store, events })
const scans = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => ev(from + i, 'scan', { data: `x${from + i}` }))
const redeemed = (seq: number, serial: number, issuerStore: string, maxUses = 1) =>
  ev(seq, 'voucher.redeemed', {
    voucherKey: `1:12:${serial}`,
    kid: 1,
    campaign: 12,
    serial,
    use: 1,
    maxUses,
    store: 'x',
    cashier: null,
    issuerStore,
    value: { amount: 2000, currency: 'CNY' },
  })

const tmp = tempDir()
let server: Postgres | null = null
const withPg = havePostgres('cloud database contract')

beforeAll(async () => {
  if (withPg) server = await startPostgres(tmp.dir)
}, 120_000)
afterAll(async () => {
  await server?.stop()
  tmp.cleanup()
})

const engines: [string, (enrolled?: string[]) => Promise<CloudDb>][] = [
  ['sqlite', async () => new SqliteCloudDb(new CloudStore(join(tmp.dir, `c${++n}.db`)))],
  [
    'postgres',
    async (enrolled) => {
      const db = await PgCloudDb.open(
        { url: await freshDatabase(server!), anyStore: enrolled === undefined },
        silentLogger(),
      )
      if (enrolled) await db.enroll(enrolled)
      return db
    },
  ],
]

describe.each(engines)('the cloud database on %s', (engine, open) => {
  const skip = engine === 'postgres' && !withPg
  const one = async (db: CloudDb, b: EventBatch) => (await db.ingest([b]))[0]!

  it.skipIf(skip)('stores each event once, in seq order, and holds a batch that comes before its hole', async () => {
    const db = await open()
    try {
      const first = await one(db, batch('a', scans(1, 3)))
      expect(first).toMatchObject({ contiguous: 3, inserted: 3, duplicates: 0, held: [] })
      // The same batch again (a lost ack), and one overlapping it: only what is new goes in.
      expect(await one(db, batch('a', scans(1, 3)))).toMatchObject({ contiguous: 3, inserted: 0, duplicates: 3 })
      expect(await one(db, batch('a', scans(2, 5)))).toMatchObject({ contiguous: 5, inserted: 2, duplicates: 2 })
      // 8–9 before 6–7: not stored. SQLite hands it back (held) to be offered again;
      // PostgreSQL parks it, and the batch that fills the hole takes it along.
      const early = batch('a', scans(8, 9))
      const held = await one(db, early)
      expect(held).toMatchObject({ contiguous: 5, inserted: 0 })
      expect(held.parked ? [] : [early]).toEqual(held.held)
      expect(held.parked).toBe(engine === 'postgres' ? true : undefined)
      const filled = await one(db, batch('a', scans(6, 7)))
      expect(filled).toMatchObject({ contiguous: engine === 'postgres' ? 9 : 7 })
      const rest = await db.ingest([...(held.parked ? [] : [early]), batch('b', scans(1, 2))])
      expect(rest.find((r) => r.store === 'a')?.contiguous ?? 9).toBe(9)
      expect(rest.find((r) => r.store === 'b')).toMatchObject({ contiguous: 2, inserted: 2 })
      const stores = await db.stores()
      expect(stores.map((s) => [s.store, s.contiguous, s.received])).toEqual([
        ['a', 9, 9],
        ['b', 2, 2],
      ])
    } finally {
      await db.close()
    }
  })

  it.skipIf(skip)('keeps a two-use voucher within two uses across stores, whatever the sync lag', async () => {
    const db = await open()
    try {
      // Both stores check at once: yes to both (two uses).
      expect(await db.claimVoucher('a', '1:12:7', 2)).toEqual({ ok: true, allowedUses: 2 })
      expect(await db.claimVoucher('b', '1:12:7', 2)).toEqual({ ok: true, allowedUses: 1 })
      // B asks again with its own use not yet synced: it says it has used one here.
      const again = await db.claimVoucher('b', '1:12:7', 2, 1)
      expect(again.ok).toBe(false)
      // A's redemption arrives: its claim is done with; the voucher stays used up for a third.
      await one(db, batch('a', [redeemed(1, 7, 'a', 2)]))
      expect((await db.claimVoucher('c', '1:12:7', 2)).ok).toBe(false)
    } finally {
      await db.close()
    }
  })

  it.skipIf(skip)('raises an alert when stores redeemed one voucher beyond its uses offline', async () => {
    const db = await open()
    try {
      expect((await one(db, batch('a', [redeemed(1, 9, 'a')]))).alerts).toEqual([])
      const late = await one(db, batch('b', [redeemed(1, 9, 'a')]))
      expect(late.alerts).toHaveLength(1)
      expect(late.alerts[0]!.kind).toBe('double_redemption')
      expect(late.alerts[0]!.detail).toMatch(/1:12:9 redeemed 2× \(allowed 1\): a#1, b#1/)
    } finally {
      await db.close()
    }
  })

  it.skipIf(skip)('tells every store that redeemed it, each round until that store answers', async () => {
    const db = await open()
    try {
      await one(db, batch('a', [redeemed(1, 9, 'a')]))
      expect(await db.doubleUses.pending(10)).toEqual([])
      await one(db, batch('b', [redeemed(1, 9, 'a')]))
      const round1 = await db.doubleUses.pending(10)
      expect(round1.map((p) => `${p.voucherKey} ${p.store} ${p.round}`).sort()).toEqual(['1:12:9 a 1', '1:12:9 b 1'])
      const uses = await db.doubleUses.usesOf('1:12:9')
      expect(uses.map((u) => [u.store, u.seq, u.voided, u.payload.serial])).toEqual([
        ['a', 1, false, 9],
        ['b', 1, false, 9],
      ])
      await db.doubleUses.told(
        round1.find((p) => p.store === 'a')!,
        'ok',
      )
      expect((await db.doubleUses.pending(10)).map((p) => p.store)).toEqual(['b'])
      // A third use: everyone hears again, the third store too; an answer to round 1 no longer counts.
      await one(db, batch('c', [redeemed(1, 9, 'a')]))
      await db.doubleUses.told(
        round1.find((p) => p.store === 'b')!,
        'ok',
      )
      const round2 = await db.doubleUses.pending(10)
      expect(round2.map((p) => `${p.store} ${p.round}`).sort()).toEqual(['a 2', 'b 2', 'c 1'])
    } finally {
      await db.close()
    }
  })

  it.skipIf(skip)("counts another store's vouchers used here as departures; a void takes one back", async () => {
    const db = await open()
    try {
      const second = redeemed(2, 2, 'a')
      const b = await one(db, batch('b', [redeemed(1, 1, 'a'), second, redeemed(3, 3, 'b')]))
      expect(b.departures).toEqual(['a'])
      const voided = ev(4, 'voucher.voided', {
        redemptionId: second.id,
        voucherKey: '1:12:2',
        cashier: 'c',
        reason: null,
        redeemedAt: T0,
      })
      expect((await one(db, batch('b', [voided]))).departures).toEqual(['a'])
      expect(await db.departures('a', T0 - 86_400_000)).toEqual([{ redeemer: 'b', campaign: 12, used: 1, value: 2000 }])
      expect(await db.departures('b', T0 - 86_400_000)).toEqual([])
    } finally {
      await db.close()
    }
  })

  it.skipIf(skip)(
    'knows members’ home stores, merchants and presence, and cancels given-up card payments',
    async () => {
      const db = await open()
      try {
        await one(db, batch('home', [ev(1, 'member.created', { memberId: 'm-1', channel: 'till' })]))
        await db.setStatus('home', 'online', 'tea-co')
        await db.setStatus('away', 'online', 'tea-co')
        expect(await db.cards.homeOf('m-1')).toBe('home')
        expect(await db.cards.merchantOf('away')).toBe('tea-co')
        expect(await db.cards.isOnline('home')).toBe(true)
        await db.setStatus('home', 'offline')
        expect(await db.cards.isOnline('home')).toBe(false)
        expect(await db.cards.merchantOf('home')).toBe('tea-co')
        const abandoned = ev(1, 'card.remote_abandoned', { memberId: 'm-1', key: 'k-1', amount: 500, cashier: null })
        expect((await one(db, batch('away', [abandoned]))).cardCancels).toBe(true)
        expect(await db.cards.pendingCancels()).toEqual([{ from: 'away', key: 'k-1', home: 'home' }])
        await db.cards.cancelDone('away', 'k-1', 'ok: taken back')
        expect(await db.cards.pendingCancels()).toEqual([])
      } finally {
        await db.close()
      }
    },
  )

  it.skipIf(skip)('keeps one store’s data it cannot hold from holding up the others', async () => {
    const db = await open()
    try {
      // A lone surrogate: JSON.parse takes it, PostgreSQL's json does not (SQLite keeps it).
      const odd = batch('odd', [ev(1, 'scan', { data: 'x\ud800' })])
      const results = await db.ingest([odd, batch('fine', scans(1, 3))])
      expect(results.find((r) => r.store === 'fine')).toMatchObject({ contiguous: 3, inserted: 3 })
      const refused = results.find((r) => r.store === 'odd')!
      if (engine === 'postgres')
        expect(refused).toMatchObject({ inserted: 0, refused: expect.stringMatching(/surrogate|json/i) })
      else expect(refused).toMatchObject({ inserted: 1 })
    } finally {
      await db.close()
    }
  })

  it.skipIf(skip)('takes only enrolled stores when it keeps an enrolment', async () => {
    const db = await open(['shop-a'])
    try {
      const known = await db.knownStores()
      if (engine === 'sqlite') expect(known).toBeNull()
      else expect([...known!]).toEqual(['shop-a'])
    } finally {
      await db.close()
    }
  })
})
