/**
 * A message's personal offer: one voucher of its campaign per recipient, bound to them
 * (the member tag in the code), issued by the fan-out's transaction. The checks are the
 * POS's (voucher-service.ts issue): this gateway enrolled, the campaign known, issuable
 * here and not ended.
 */
import { VoucherError } from '../vouchers/voucher-service.js'
import { issuableAt, type Campaign } from '../vouchers/campaigns.js'
import { hourFromMs, memberTag } from '../vouchers/voucher-code.js'
import type { VoucherAuthority } from '../vouchers/voucher-authority.js'
import type { OfferArgs } from '../store/tx/message-tx.js'

export class PersonalOffers {
  constructor(private readonly authority: VoucherAuthority) {}

  campaign(id: number): Campaign | undefined {
    return this.authority.campaigns.get(id)
  }

  /** The campaigns a message may carry now (issuable here, not ended, this gateway enrolled). */
  offerable(now = Date.now()): Campaign[] {
    return this.authority.campaigns.list().filter((c) => {
      try {
        this.prepare(c.id, now)
        return true
      } catch {
        return false
      }
    })
  }

  /** What the fan-out's transaction needs to issue this campaign's vouchers now; throws VoucherError if it may not. */
  prepare(campaignId: number, now = Date.now()): OfferArgs {
    const own = this.authority.ownIssuer()
    if (!own)
      throw new VoucherError('not_enrolled', "this gateway's key is not in the trust list: it cannot issue vouchers")
    const campaign = this.authority.campaigns.get(campaignId)
    if (!campaign) throw new VoucherError('unknown_campaign', `campaign ${campaignId} is not known at this store`)
    if (!issuableAt(campaign, this.authority.store))
      throw new VoucherError('not_issuer', `this store may not issue campaign ${campaignId}`)
    if (now >= Date.parse(campaign.validTo))
      throw new VoucherError('campaign_ended', `campaign ${campaignId} ended ${campaign.validTo}`)
    return {
      kid: own.kid,
      campaign: campaignId,
      maxPerMember: campaign.maxPerMember ?? null,
      expiresHour: hourFromMs(this.authority.expiresAt(campaign, now)),
      store: this.authority.store.id,
    }
  }

  /** The code of a recipient's voucher (Ed25519 is deterministic: computed again whenever it is shown). */
  code(v: { kid: number; campaign: number; serial: number; expiresHour: number; member: string }): string {
    const { member, ...fields } = v
    return this.authority.codeOf({ ...fields, memberTag: memberTag(member) })
  }
}
