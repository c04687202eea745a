/**
 * Asks the cloud (rpc/card-debit) to have a member's home store take a payment from their
 * card. Never queued: with no link the answer is at once "not sent"; a request that went
 * up but got no answer in time is "sent", since the home store may have taken it.
 */
import type { CardPayer, PayAnswer } from '../gateway/cards/chain-pay.js'
import { CARD_DEBIT, NO_ANSWER, type CardDebitRequest } from './card-contract.js'
import type { RpcClient } from './rpc-client.js'

export class CloudCardPayer implements CardPayer {
  constructor(
    /** The sync service's client while it is running; null without sync. */
    private readonly client: () => RpcClient | null,
    private readonly timeoutMs: number,
  ) {}

  async pay(req: CardDebitRequest): Promise<PayAnswer> {
    const client = this.client()
    if (!client?.connected) return { answer: 'unavailable', sent: false, detail: 'the cloud cannot be reached' }
    const response = await client.request(CARD_DEBIT, req, this.timeoutMs)
    if (!response)
      return { answer: 'unavailable', sent: true, detail: "no answer in time from the member's home store" }
    if (response.status === 'ok' && response.card) return { answer: 'ok', card: response.card }
    if (response.status === 'refused' && response.reason === NO_ANSWER)
      return { answer: 'unavailable', sent: true, detail: response.detail ?? "no answer from the member's home store" }
    if (response.status === 'refused')
      return { answer: 'refused', reason: response.reason ?? 'refused', detail: response.detail ?? 'refused' }
    // An error the cloud or the home store named: nothing was taken.
    return {
      answer: 'refused',
      reason: 'needs_connection',
      detail: `the card could not be checked: ${response.detail ?? response.reason ?? 'error'}`,
    }
  }
}
