/**
 * What a writer command sees: the write connection inside the batch's transaction and
 * an `append` that gives the event the next seq. Commands run in the journal's writer
 * worker, so they are the only code that writes domain tables; everything they do
 * commits or rolls back together with their events.
 */
import type Database from 'better-sqlite3'
import type { Db } from '../database.js'
import type { EventPayloads, EventType } from '../event-contract.js'

export interface AppendedEvent {
  id: string
  seq: number
  time: number
}

export interface TxContext {
  readonly db: Db
  /** Time of this command (ms); commands use it instead of Date.now() so one command has one clock. */
  readonly now: number
  /** A prepared statement, cached for the writer's lifetime (preparing costs more than running). */
  stmt(sql: string): Database.Statement
  /**
   * Appends an event in this transaction. `outbox: true` also queues it in the sync
   * outbox: events the cloud must receive and retention may never drop (issue #5).
   */
  append<T extends EventType>(
    type: T,
    device: string | null,
    payload: EventPayloads[T],
    opts?: { outbox?: boolean },
  ): AppendedEvent
}

// Commands receive structured-cloned args from our own main thread; their shape is typed
// at both ends through CommandMap, so `any` here is the registry's erasure only.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type WriterCommand = (tx: TxContext, args: any) => unknown

/** A business "no" is a result, not an exception; exceptions roll the command back. */
export class TxError extends Error {
  override readonly name = 'TxError'
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}
