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

export interface ScanRejection {
  deviceId: string
  reason: ScanRejectReason | 'journal_unavailable'
  detail: string
  bytes: number
}
