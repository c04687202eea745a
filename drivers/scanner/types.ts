/** What every scanner driver produces and how it reports trouble. */

/** One decoded scan, before it is journaled. */
export interface ScanRead {
  /** The scanned text, prefix/suffix/AIM identifier removed. */
  data: string
  /** Symbology name when known (`qr`, `ean-13`, `gs1-128`, …), from the AIM identifier. */
  symbology: string | null
  /** The raw AIM identifier, e.g. `]Q1`, when the scanner sent one. */
  aimId: string | null
}

export type ScanRejectReason = 'empty' | 'control_chars' | 'bad_encoding' | 'overflow' | 'partial_frame' | 'bad_report'

export interface RejectedInput {
  reason: ScanRejectReason
  /** Human detail for the log; never the full input (it may be megabytes of noise). */
  detail: string
  bytes: number
}

export interface ScannerEvents {
  scan(read: ScanRead): void
  reject(rejected: RejectedInput): void
  /** The device went away while open (unplugged, port error). `close()` was not called. */
  disconnect(err: Error | null): void
}

export type OpenErrorCode = 'not_found' | 'permission_denied' | 'busy' | 'io' | 'unsupported'

/** Opening failed; `code` tells the device manager whether to retry quietly or alarm. */
export class DeviceOpenError extends Error {
  override readonly name = 'DeviceOpenError'
  constructor(
    readonly code: OpenErrorCode,
    message: string,
  ) {
    super(message)
  }
}

export interface ScannerDriver {
  readonly transport: string
  /** Rejects with DeviceOpenError. Resolves once scans can arrive. */
  open(): Promise<void>
  /** Idempotent; a partial frame in progress is discarded, not emitted. */
  close(): Promise<void>
  /** Sends bytes to the scanner (commands such as good-read/bad-read beeps); only drivers with a host→scanner channel have it. */
  write?(data: Buffer): Promise<void>
}
