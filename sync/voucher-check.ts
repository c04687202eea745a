/**
 * The online check of high-value vouchers (campaign `onlineCheckAbove`), asked of the
 * cloud over MQTT request/response: has this voucher been used up at another store?
 * The cloud holds a claim for the asking store while the redemption travels up, so two
 * stores asking at once cannot both be told yes for the last use.
 */
import type { OnlineAnswer, OnlineCheck } from '../gateway/vouchers/voucher-service.js'
import type { VerifiedVoucher } from '../gateway/vouchers/verify.js'
import type { VoucherCheckRequest } from './contract.js'
import type { RpcClient } from './rpc-client.js'

export const VOUCHER_CHECK = 'voucher-check'

export class CloudVoucherCheck implements OnlineCheck {
  constructor(
    /** The sync service's client while it is running; null without sync. */
    private readonly client: () => RpcClient | null,
    private readonly timeoutMs: number,
  ) {}

  async check(v: VerifiedVoucher, localUses: number): Promise<OnlineAnswer> {
    const client = this.client()
    if (!client) return { answer: 'unavailable', detail: 'this store does not sync with the cloud' }
    const body: VoucherCheckRequest = {
      voucherKey: v.key,
      campaign: v.campaign.id,
      maxUses: v.campaign.uses,
      localUses,
    }
    const response = await client.request(VOUCHER_CHECK, body, this.timeoutMs)
    if (!response) return { answer: 'unavailable', detail: 'the cloud cannot be reached' }
    if (response.status === 'ok')
      return response.allowedUses === undefined ? { answer: 'ok' } : { answer: 'ok', allowedUses: response.allowedUses }
    if (response.status === 'refused')
      return {
        answer: 'refused',
        reason: response.reason === 'already_redeemed' ? 'already_redeemed' : 'revoked',
        detail: response.detail ?? response.reason ?? 'refused',
      }
    return {
      answer: 'unavailable',
      detail: `the cloud could not check it: ${response.detail ?? response.reason ?? 'error'}`,
    }
  }
}
