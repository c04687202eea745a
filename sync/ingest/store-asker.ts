/**
 * The cloud's side of asks: a request published to one store's ask/{method} topic with
 * a deadline (in the payload, and as MQTT 5 message expiry), answered on that store's
 * answer topic. Only an answer from the store asked is taken: the broker's ACL keeps
 * each store to its own topics, so no other store can answer in its name.
 */
import { randomBytes } from 'node:crypto'
import type { Logger } from '../../gateway/log.js'
import {
  CONTRACT_VERSION,
  ContractError,
  parseRpcResponse,
  topics,
  type RpcRequest,
  type RpcResponse,
} from '../contract.js'
import type { Link, LinkMessage } from '../link.js'
import { PendingAnswers } from '../pending-answers.js'

export class StoreAsker {
  private readonly pending = new PendingAnswers<RpcResponse>()

  constructor(
    private readonly link: Link,
    private readonly log: Logger,
  ) {}

  /** The store's answer, or null when it cannot be asked or does not answer before `expiresAt`. */
  async ask(store: string, method: string, body: object, expiresAt: number): Promise<RpcResponse | null> {
    const timeoutMs = expiresAt - Date.now()
    if (!this.link.connected || timeoutMs <= 0) return null
    const id = randomBytes(12).toString('base64url')
    const message: RpcRequest = { v: CONTRACT_VERSION, id, expiresAt, body }
    const answer = this.pending.wait(
      id,
      timeoutMs,
      () => this.log.warn({ store, method, id, timeoutMs }, 'no answer from the store in time'),
      store,
    )
    try {
      await this.link.publish(topics.ask(store, method), JSON.stringify(message), {
        qos: 1,
        correlationData: Buffer.from(id),
        expirySeconds: Math.max(1, Math.ceil(timeoutMs / 1000)),
      })
    } catch (err) {
      this.log.warn({ store, method, err: (err as Error).message }, 'ask not sent')
      this.pending.settle(id, null, store)
    }
    return answer
  }

  /** A message on {store}/answer. */
  onAnswer(store: string, m: LinkMessage): void {
    try {
      const response = parseRpcResponse(m.payload)
      const id = m.correlationData ? m.correlationData.toString() : response.id
      if (!this.pending.settle(id, response, store))
        this.log.debug({ store, id }, 'late, unknown or misrouted answer ignored')
    } catch (err) {
      if (!(err instanceof ContractError)) throw err
      this.log.warn({ store, err: err.message }, 'answer refused')
    }
  }

  abandonAll(): void {
    this.pending.abandonAll()
  }
}
