/**
 * Errors carry a machine-readable `code` that callers branch on (never the message).
 * Subclasses only name themselves and list their codes.
 */
export abstract class CodedError<C extends string> extends Error {
  constructor(
    readonly code: C,
    message: string,
  ) {
    super(message)
  }
}
