/** What the cloud says of a voucher used beyond its uses across stores (sync/double-use-contract.ts parses it). */

export interface DoubleUseRedemption {
  store: string
  /** The cloud's name for the store (enrolment), when it has one. */
  storeName: string | null
  seq: number
  /** When it was redeemed (ISO). */
  at: string
  cashier: string | null
  /** Voided since (a void does not undo the loss when the goods are gone, but the store should know). */
  voided: boolean
}

export interface DoubleUseNotice {
  v: 1
  /** kid:campaign:serial, the voucher's number. */
  voucherKey: string
  campaign: number
  maxUses: number
  issuerStore: string | null
  /** What the uses beyond maxUses are worth (null for an item voucher). */
  atRisk: { amount: number; currency: string } | null
  /** When the cloud found it (ISO). */
  detectedAt: string
  /** Every redemption the cloud holds of the voucher, oldest first. */
  uses: DoubleUseRedemption[]
}
