/**
 * A pooled connection for a piece of work. node-postgres leaves a checked-out client's
 * 'error' event to its user: a server that goes away between two queries (killed,
 * restarted) would otherwise be an unhandled 'error' and end the process. Here it is
 * caught, the work's next query fails instead, and the broken connection is thrown away
 * rather than returned to the pool.
 */
import type pg from 'pg'

export async function withClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  let broken: Error | undefined
  const onError = (err: Error) => (broken = err)
  client.on('error', onError)
  try {
    return await work(client)
  } catch (err) {
    broken ??= err as Error
    throw err
  } finally {
    client.off('error', onError)
    // A failed piece of work may leave the connection mid-transaction or dead: not reused.
    client.release(broken)
  }
}

/** `work` in one transaction on a pooled connection: committed when it resolves, rolled back when it throws. */
export function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, async (client) => {
    await client.query('BEGIN')
    try {
      const result = await work(client)
      await client.query('COMMIT')
      return result
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw err
    }
  })
}
