/**
 * Prepared statements kept per SQL text. Services and writer commands pass constant SQL (or
 * SQL shaped by a few known choices, such as an export's columns), so a gateway holds a
 * hundred or two. A change that put values into SQL text would instead grow the map with
 * every request for as long as the box runs (issue #22): past STATEMENTS_KEPT nothing more is
 * kept — such a statement is prepared, used and collected — and `onFull` hears of it once.
 */
import type { Statement } from 'better-sqlite3'

export const STATEMENTS_KEPT = 1000

export class StatementCache {
  private readonly kept = new Map<string, Statement>()
  private full = false

  constructor(
    private readonly prepare: (sql: string) => Statement,
    private readonly onFull: (sql: string) => void = () => {},
  ) {}

  get(sql: string): Statement {
    let statement = this.kept.get(sql)
    if (statement) return statement
    statement = this.prepare(sql)
    if (this.kept.size < STATEMENTS_KEPT) this.kept.set(sql, statement)
    else if (!this.full) {
      this.full = true
      this.onFull(sql)
    }
    return statement
  }

  /** Forgets every statement (their connection is closing). */
  clear(): void {
    this.kept.clear()
    this.full = false
  }

  get size(): number {
    return this.kept.size
  }
}
