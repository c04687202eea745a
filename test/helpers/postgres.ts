/**
 * A real PostgreSQL for a test file (scripts/postgres.ts): started once, a fresh database
 * per use, so tests do not see each other's stores. Skips loudly without PostgreSQL
 * (fails under CI), like the other real-part helpers.
 */
import pg from 'pg'
import { join } from 'node:path'
import { Postgres } from '../../scripts/postgres.js'
import { freePort } from '../../scripts/bench/gateway-process.js'
import { hasProgram } from '../../scripts/system-programs.js'
import { requireProgram } from './system.js'

export function havePostgres(suite: string): boolean {
  return requireProgram('initdb', suite) && (hasProgram('postgres') || requireProgram('postgres', suite))
}

export async function startPostgres(dir: string): Promise<Postgres> {
  const server = new Postgres({ dir: join(dir, 'pg'), port: await freePort(), fsync: false })
  await server.start()
  return server
}

let made = 0

/** A new empty database on the server; its URL. */
export async function freshDatabase(server: Postgres): Promise<string> {
  const name = `t${process.pid}_${++made}`
  const admin = new pg.Client({ connectionString: server.url })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  return server.url.replace(/\/tillside$/, `/${name}`)
}
