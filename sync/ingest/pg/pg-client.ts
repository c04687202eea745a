/**
 * PostgreSQL connections for the cloud: the pool, and pieces of work on one connection.
 */
import pg from 'pg'
import type { Logger } from '../../../gateway/log.js'

/**
 * The pool, its connections' errors handled from their birth. node-postgres hands a new
 * connection to its caller while still parsing the packet that made it ready: when the
 * same packet also holds the server's goodbye (PostgreSQL killed just then: "terminating
 * connection due to unexpected postmaster exit"), the error is emitted before anyone can
 * listen — an unhandled 'error' that ended a cloud worker. Each connection gets a listener
 * of its own at birth; the work's next query then fails ("not queryable") and the
 * connection is thrown away as below.
 */
export function createPool(url: string, max: number, log: Logger): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max })
  // An idle connection dropped by a restarting server: the next query gets a new one.
  pool.on('error', (err) => log.warn({ err: err.message }, 'cloud database connection lost'))
  pool.on('connect', (client) => client.on('error', () => undefined))
  return pool
}

/**
 * A pooled connection for a piece of work. node-postgres leaves a checked-out client's
 * 'error' event to its user: a server that goes away between two queries (killed,
 * restarted) would otherwise be an unhandled 'error' and end the process. Here it is
 * caught, the work's next query fails instead, and the broken connection is thrown away
 * rather than returned to the pool.
 */
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
