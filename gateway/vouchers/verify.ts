/**
 * The offline voucher check: everything but the use count (which needs the database
 * and happens in the redemption transaction). Pure: inputs in, verdict out.
 * Checks run cheapest first, so garbage never costs a signature verification.
 */
import type { Campaign, CampaignCatalog, StoreIdentity } from './campaigns.js'
import { redeemableAt } from './campaigns.js'
import type { RevocationList } from './revocations.js'
import type { TrustList, TrustedIssuer } from './trust-list.js'
import {
  expiryMs,
  parseVoucherCode,
  verifyVoucherSignature,
  VoucherCodeError,
  voucherKey,
  type ParsedVoucher,
} from './voucher-code.js'

export const REJECTION_REASONS = [
  'malformed',
  'bad_signature',
  'unknown_issuer',
  'revoked',
  'unknown_campaign',
  'not_yet_valid',
  'expired',
  'wrong_store',
  'online_check_required',
  'already_redeemed',
] as const
export type RejectionReason = (typeof REJECTION_REASONS)[number]

export interface VerifiedVoucher {
  key: string
  kid: number
  campaign: Campaign
  serial: number
  memberTag: number
  expiresAt: number
  issuer: TrustedIssuer
  needsOnlineCheck: boolean
}

/** What a rejection tells the cashier and the journal; `voucher` is set once the code parsed. */
export interface Rejection {
  ok: false
  reason: RejectionReason
  detail: string
  voucher?: { key: string; kid: number; campaign: number; serial: number; issuerStore?: string }
}
export type Verdict = { ok: true; voucher: VerifiedVoucher } | Rejection

export interface CheckContext {
  trust: TrustList
  revocations: RevocationList
  campaigns: CampaignCatalog
  store: StoreIdentity
  now: number
  signatures?: SignatureCache
}

export function checkVoucher(code: string, ctx: CheckContext): Verdict {
  let v: ParsedVoucher
  try {
    v = parseVoucherCode(code)
  } catch (err) {
    if (err instanceof VoucherCodeError) return { ok: false, reason: 'malformed', detail: err.message }
    throw err
  }
  const key = voucherKey(v)
  const ref = { key, kid: v.kid, campaign: v.campaign, serial: v.serial }
  const reject = (reason: RejectionReason, detail: string, issuerStore?: string): Rejection => ({
    ok: false,
    reason,
    detail,
    voucher: { ...ref, issuerStore },
  })
  const issuer = ctx.trust.issuer(v.kid)
  if (!issuer) return reject('unknown_issuer', `issuer key ${v.kid} is not in trust list version ${ctx.trust.version}`)
  const signed = ctx.signatures
    ? ctx.signatures.verify(v, issuer, ctx.trust.version)
    : verifyVoucherSignature(v, issuer.publicKey)
  if (!signed)
    return reject('bad_signature', `signature does not match issuer key ${v.kid} (${issuer.store})`, issuer.store)
  const revoked = ctx.revocations.check(v)
  if (revoked)
    return reject(
      'revoked',
      `${revoked === 'voucher' ? 'voucher' : revoked === 'campaign' ? `campaign ${v.campaign}` : `issuer key ${v.kid}`} is revoked`,
      issuer.store,
    )
  const campaign = ctx.campaigns.get(v.campaign)
  if (!campaign) return reject('unknown_campaign', `campaign ${v.campaign} is not known at this store`, issuer.store)
  if (ctx.now < Date.parse(campaign.validFrom))
    return reject('not_yet_valid', `campaign ${campaign.id} starts ${campaign.validFrom}`, issuer.store)
  const expiresAt = Math.min(expiryMs(v.expiresHour), Date.parse(campaign.validTo))
  if (ctx.now > expiresAt) return reject('expired', `expired ${new Date(expiresAt).toISOString()}`, issuer.store)
  if (!redeemableAt(campaign, ctx.store))
    return reject('wrong_store', `campaign ${campaign.id} is not redeemable at ${ctx.store.id}`, issuer.store)
  const amount = 'amount' in campaign.value ? campaign.value.amount : 0
  const needsOnlineCheck = campaign.onlineCheckAbove !== undefined && amount >= campaign.onlineCheckAbove
  return {
    ok: true,
    voucher: {
      key,
      kid: v.kid,
      campaign,
      serial: v.serial,
      memberTag: v.memberTag,
      expiresAt,
      issuer,
      needsOnlineCheck,
    },
  }
}

/**
 * Remembers signature results by code. An Ed25519 verification costs ~130 µs on a small
 * CPU; a scanner that re-reads the same slip, or a flood of one forged code, should not
 * pay it again. Keyed by trust list version, so a new list re-verifies everything.
 */
export class SignatureCache {
  private readonly entries = new Map<string, boolean>()
  private version = -1

  /** 4096 × ~250 bytes: about 1 MB at most, whatever is scanned. */
  constructor(private readonly capacity = 4096) {}

  get size(): number {
    return this.entries.size
  }

  verify(v: ParsedVoucher, issuer: TrustedIssuer, trustVersion: number): boolean {
    if (trustVersion !== this.version) {
      this.entries.clear()
      this.version = trustVersion
    }
    const cached = this.entries.get(v.code)
    if (cached !== undefined) {
      // Map keeps insertion order: re-insert to mark as recently used.
      this.entries.delete(v.code)
      this.entries.set(v.code, cached)
      return cached
    }
    const ok = verifyVoucherSignature(v, issuer.publicKey)
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!)
    this.entries.set(v.code, ok)
    return ok
  }
}
