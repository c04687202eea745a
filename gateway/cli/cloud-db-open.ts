/** Opens the cloud's database named on the command line: a SQLite file, or a PostgreSQL URL. */
import type { Logger } from '../log.js'
import type { CloudDb } from '../../sync/ingest/cloud-db.js'

export const isPostgresUrl = (db: string) => /^postgres(ql)?:\/\//.test(db)

/** The database, or one plain sentence saying why it could not be opened. */
export async function openCloudDb(
  db: string,
  opts: { anyStore?: boolean; timeZone?: string },
  log: Logger,
): Promise<CloudDb | string> {
  if (isPostgresUrl(db)) {
    const { PgCloudDb } = await import('../../sync/ingest/pg/pg-cloud-db.js')
    try {
      return await PgCloudDb.open({ url: db, anyStore: opts.anyStore, timeZone: opts.timeZone }, log)
    } catch (err) {
      return `cannot open the cloud database ${redact(db)}: ${(err as Error).message}`
    }
  }
  if (opts.anyStore) return '--any-store is for a PostgreSQL cloud (a SQLite cloud takes any store)'
  if (opts.timeZone) return '--time-zone is for a PostgreSQL cloud (its reports count days)'
  const { CloudStore } = await import('../../sync/ingest/cloud-store.js')
  const { SqliteCloudDb } = await import('../../sync/ingest/sqlite-cloud-db.js')
  try {
    return new SqliteCloudDb(new CloudStore(db))
  } catch (err) {
    return `cannot open the cloud database ${db}: ${(err as Error).message}`
  }
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@')
}
