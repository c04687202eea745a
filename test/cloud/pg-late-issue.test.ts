/**
 * An issue and its redemption stored at the same moment by two workers' transactions
 * cannot see each other inside them: the redemption is stored without its issue's time.
 * The settle after COMMIT (and the minutely sweep) gives it its issue-to-redeem days,
 * once, however often it runs — the attribution report's average days do not depend on
 * which transaction won. Against a real PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Postgres } from '../../scripts/postgres.js'
import { PgCloudDb } from '../../sync/ingest/pg/pg-cloud-db.js'
import { silentLogger } from '../../gateway/log.js'
import { tempDir } from '../helpers/tmp.js'
import { freshDatabase, havePostgres, startPostgres } from '../helpers/postgres.js'

const ready = havePostgres('late issues')
const DAY = 86_400_000
const T = Date.UTC(2026, 11, 3, 8)

describe.skipIf(!ready)('a redemption stored before its issue', () => {
  const tmp = tempDir()
  let server: Postgres
  let db: PgCloudDb

  beforeAll(async () => {
    server = await startPostgres(tmp.dir)
    db = await PgCloudDb.open({ url: await freshDatabase(server) }, silentLogger())
  }, 60_000)
  afterAll(async () => {
    await db?.close()
    await server?.stop()
    tmp.cleanup()
  })

  it('gets its days once the issue is there, once however often settled', async () => {
    // As the two transactions left it: the redemption (and its roll-up, without days), and the issue.
    await db.query(
      `INSERT INTO redemptions (redemption_id, voucher_key, store, seq, time, max_uses, issuer_store, campaign,
         funder, honourer, amount, currency) VALUES ('r1', '1:21:9', 'bake-1', 5, $1, 1, 'tea-1', 21, 'tea-co', 'bake-co', 1500, 'CNY')`,
      [T],
    )
    await db.query(
      `INSERT INTO redeemed_daily (day, campaign, issuer, redeemer, funder, honourer, currency, n, value)
       VALUES ($1, 21, 'tea-1', 'bake-1', 'tea-co', 'bake-co', 'CNY', 1, 1500)`,
      [db.days.dayOf(T)],
    )
    await db.query(
      `INSERT INTO issues (voucher_key, store, seq, campaign, channel, time) VALUES ('1:21:9', 'tea-1', 3, 21, 'kiosk', $1)`,
      [T - 2 * DAY],
    )
    const days = async () =>
      (await db.query<{ days_ms: number; days_n: number }>('SELECT days_ms, days_n FROM redeemed_daily')).rows
    expect(await days()).toEqual([{ days_ms: 0, days_n: 0 }])
    await Promise.all([db.settleLateIssues(['1:21:9']), db.settleLateIssues(['1:21:9']), db.settleLateIssues(null)])
    await db.settleLateIssues(null)
    expect(await days()).toEqual([{ days_ms: 2 * DAY, days_n: 1 }])
    const r = await db.query<{ issued_at: number }>("SELECT issued_at FROM redemptions WHERE redemption_id = 'r1'")
    expect(r.rows[0]!.issued_at).toBe(T - 2 * DAY)
  })
})
