/** Journal errors carry a `code` that callers branch on; messages are for humans. */
import { CodedError } from '../../config/coded-error.js'
export class JournalInputError extends Error {
  override readonly name = 'JournalInputError'
  constructor(
    readonly code: 'invalid_type' | 'invalid_device' | 'invalid_id' | 'unserialisable_payload' | 'payload_too_large',
    message: string,
  ) {
    super(message)
  }
}

/** The append was not made durable; the caller must not acknowledge it. */
export class JournalWriteError extends Error {
  override readonly name = 'JournalWriteError'
  constructor(
    readonly code: 'disk_full' | 'io_error' | 'read_only' | 'sqlite' | 'internal',
    readonly sqliteCode: string,
    message: string,
  ) {
    super(message)
  }
}

export class JournalUnavailableError extends Error {
  override readonly name = 'JournalUnavailableError'
  constructor(
    readonly code: 'not_started' | 'closed' | 'writer_failed',
    message: string,
  ) {
    super(message)
  }
}

export function writeErrorFromSqlite(sqliteCode: string, message: string): JournalWriteError {
  if (sqliteCode.startsWith('SQLITE_FULL'))
    return new JournalWriteError('disk_full', sqliteCode, `disk full: ${message}`)
  if (sqliteCode.startsWith('SQLITE_IOERR')) return new JournalWriteError('io_error', sqliteCode, message)
  if (sqliteCode.startsWith('SQLITE_READONLY')) return new JournalWriteError('read_only', sqliteCode, message)
  if (sqliteCode === 'internal') return new JournalWriteError('internal', sqliteCode, message)
  return new JournalWriteError('sqlite', sqliteCode, message)
}

/** A writer command failed unexpectedly and was rolled back alone (business "no"s are results, not errors). */
export class JournalCommandError extends CodedError<string> {
  override readonly name = 'JournalCommandError'
}
