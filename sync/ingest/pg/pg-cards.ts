/** Card payment routing (cloud-db.ts CloudCardsDb) in the PostgreSQL cloud. */
import type pg from 'pg'
import type { CloudCardsDb } from '../cloud-db.js'

export class PgCloudCards implements CloudCardsDb {
  constructor(private readonly pool: pg.Pool) {}

  private async one<T>(sql: string, args: unknown[]): Promise<T | null> {
    const r = await this.pool.query(sql, args)
    return (r.rows[0] as Record<string, T> | undefined)?.v ?? null
  }

  homeOf(member: string): Promise<string | null> {
    return this.one('SELECT store AS v FROM member_homes WHERE member = $1', [member])
  }

  merchantOf(store: string): Promise<string | null> {
    return this.one('SELECT merchant AS v FROM stores WHERE store = $1', [store])
  }

  async isOnline(store: string): Promise<boolean> {
    return (await this.one('SELECT status AS v FROM stores WHERE store = $1', [store])) === 'online'
  }

  async addCancel(from: string, key: string, home: string): Promise<void> {
    await this.pool.query(
      'INSERT INTO card_cancels (from_store, key, home, at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [from, key, home, Date.now()],
    )
  }

  async pendingCancels(): Promise<{ from: string; key: string; home: string }[]> {
    const r = await this.pool.query<{ from: string; key: string; home: string }>(
      'SELECT from_store AS "from", key, home FROM card_cancels WHERE done_at IS NULL ORDER BY at LIMIT 100',
    )
    return r.rows
  }

  async cancelDone(from: string, key: string, outcome: string): Promise<void> {
    await this.pool.query(
      'UPDATE card_cancels SET done_at = $1, outcome = $2 WHERE from_store = $3 AND key = $4 AND done_at IS NULL',
      [Date.now(), outcome, from, key],
    )
  }
}
