/**
 * The portal's one-time codes delivered by the cloud (its SMS service), asked over MQTT
 * request/response on rpc/otp-send. No link or no answer in time is a clear "cannot send
 * now" for the guest; a code is never queued to arrive after the guest has given up.
 */
import type { CodeSender } from '../gateway/portal/one-time-codes.js'
import type { OtpSendRequest } from './contract.js'
import type { Lang } from '../config/schema-parts.js'
import type { RpcClient } from './rpc-client.js'

export const OTP_SEND = 'otp-send'

export class CloudCodeSender implements CodeSender {
  readonly kind = 'cloud'
  constructor(
    private readonly client: () => RpcClient | null,
    private readonly timeoutMs: number,
  ) {}

  async send(phone: string, code: string, lang: Lang): Promise<void> {
    const client = this.client()
    if (!client) throw new Error('this store does not sync with the cloud, so codes cannot be sent')
    const body: OtpSendRequest = { phone, code, lang }
    const response = await client.request(OTP_SEND, body, this.timeoutMs)
    if (!response) throw new Error('the cloud cannot be reached to send the code')
    if (response.status !== 'ok')
      throw new Error(`the cloud did not send the code: ${response.detail ?? response.reason ?? response.status}`)
  }
}
