/**
 * Reads have one home: `store/read/<area>.ts`, beside the writer commands in `store/tx/`.
 * Each area's reads are a small class over the journal's read connection (WAL readers
 * never block the writer) that types its rows once, so services ask questions
 * (`usesOf(key)`) instead of writing SQL and casting rows.
 */
import type { Statement } from 'better-sqlite3'

/** The journal's read side: a statement on the read connection, prepared once per SQL text. */
export interface ReadSource {
  query(sql: string): Statement
}
