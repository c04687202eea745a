import type { ScanRejectReason } from '../../drivers/scanner/types.js'

/** The journal payload of a `scan` event. */
export interface ScanPayload {
  data: string
  symbology: string | null
  aimId: string | null
  role: 'till' | 'kiosk'
}

/** A scan as handlers see it: already durable, with its journal id and seq. */
export interface JournaledScan extends ScanPayload {
  id: string
  seq: number
  time: number
  deviceId: string
}

/**
 * A scan whose append has been submitted but not yet committed. A claim handler gets it
 * in the same tick, so what it journals in response lands in the same transaction (one
 * fsync); it must not tell anyone anything until `durable` resolves.
 */
export interface ScanDraft extends ScanPayload {
  id: string
  time: number
  deviceId: string
}

export type ScanClaim = (draft: ScanDraft, durable: Promise<JournaledScan | null>) => void

export interface ScanRejection {
  deviceId: string
  reason: ScanRejectReason | 'journal_unavailable'
  detail: string
  bytes: number
}
