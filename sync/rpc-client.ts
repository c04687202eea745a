/**
 * The store's side of MQTT 5 request/response: a request goes up on rpc/{method} with
 * the store's rpc-reply topic as response topic and a random id as correlation data
 * (both repeated in the payload for 3.1.1 brokers); the answer is matched by id. No
 * answer in time, or no link, is `null` — the caller decides what "unavailable" means.
 * Requests are never queued: an online check that waits for the link is no online check.
 */
import { randomBytes } from 'node:crypto'
import type { Logger } from '../gateway/log.js'
import {
  CONTRACT_VERSION,
  ContractError,
  parseRpcResponse,
  topics,
  type RpcRequest,
  type RpcResponse,
} from './contract.js'
import type { Link, LinkMessage } from './link.js'
import { PendingAnswers } from './pending-answers.js'

export class RpcClient {
  private readonly pending = new PendingAnswers<RpcResponse>()

  constructor(
    private readonly store: string,
    private readonly link: Link,
    private readonly log: Logger,
  ) {
    link.on('down', () => this.abandonAll())
  }

  get connected(): boolean {
    return this.link.connected
  }

  /** The answer, or null when the cloud cannot be asked or does not answer within `timeoutMs`. */
  async request(method: string, body: object, timeoutMs: number): Promise<RpcResponse | null> {
    if (!this.link.connected) return null
    const id = randomBytes(12).toString('base64url')
    const replyTo = topics.rpcReply(this.store)
    const message: RpcRequest = { v: CONTRACT_VERSION, id, replyTo, expiresAt: Date.now() + timeoutMs, body }
    const answer = this.pending.wait(id, timeoutMs, () =>
      this.log.warn({ method, id, timeoutMs }, 'no answer from the cloud in time'),
    )
    try {
      await this.link.publish(topics.rpc(this.store, method), JSON.stringify(message), {
        qos: 1,
        responseTopic: replyTo,
        correlationData: Buffer.from(id),
        expirySeconds: Math.max(1, Math.ceil(timeoutMs / 1000)),
      })
    } catch (err) {
      this.log.warn({ method, err: (err as Error).message }, 'request not sent')
      this.pending.settle(id, null)
    }
    return answer
  }

  /** A message on this store's rpc-reply topic. */
  onMessage(m: LinkMessage): void {
    try {
      const response = parseRpcResponse(m.payload)
      // The MQTT 5 correlation data wins; the payload id is the 3.1.1 fallback.
      const id = m.correlationData ? m.correlationData.toString() : response.id
      if (!this.pending.settle(id, response)) this.log.debug({ id }, 'late or unknown answer ignored')
    } catch (err) {
      if (!(err instanceof ContractError)) throw err
      this.log.warn({ err: err.message }, 'answer refused')
    }
  }

  abandonAll(): void {
    this.pending.abandonAll()
  }
}
