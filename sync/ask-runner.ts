/**
 * The store's answers to the cloud's asks (tillside/v1/{store}/ask/{method}): requests
 * another store is waiting on now, such as a payment from one of this store's member
 * cards. An ask whose asker has already given up (held by the broker while this store
 * was away) is dropped, never acted on; every other ask gets exactly one answer on the
 * store's answer topic, with the ask's id and correlation data.
 */
import type { Logger } from '../gateway/log.js'
import { CONTRACT_VERSION, ContractError, parseRpcRequest, topics, type RpcResponse } from './contract.js'
import type { Link, LinkMessage } from './link.js'

export type AskAnswer = Pick<RpcResponse, 'status' | 'reason' | 'detail' | 'card'>

/** One handler per method; a thrown ContractError is a bad request, anything else an error. */
export type AskHandler = (body: unknown, meta: { id: string; expiresAt: number }) => Promise<AskAnswer>
export type AskHandlers = Record<string, AskHandler>

export class AskRunner {
  readonly stats = { answered: 0, expired: 0, malformed: 0 }

  constructor(
    private readonly store: string,
    private readonly link: Link,
    private readonly handlers: AskHandlers,
    private readonly log: Logger,
  ) {}

  /** A message on ask/{method}; resolves when its answer is published (or could not be). */
  async onMessage(method: string, m: LinkMessage): Promise<void> {
    let request
    try {
      request = parseRpcRequest(m.payload)
    } catch (err) {
      if (!(err instanceof ContractError)) throw err
      this.stats.malformed++
      return void this.log.warn({ method, err: err.message }, 'ask refused')
    }
    // An ask without a deadline could be acted on whenever the broker delivers it: refused.
    const expiresAt = request.expiresAt
    if (expiresAt === undefined || Date.now() >= expiresAt) {
      this.stats.expired++
      return void this.log.info({ method, id: request.id }, 'ask past its deadline dropped; the asker has given up')
    }
    const answer = await this.answer(method, request.body, { id: request.id, expiresAt })
    const response: RpcResponse = { v: CONTRACT_VERSION, id: request.id, ...answer }
    this.stats.answered++
    await this.link
      .publish(topics.answer(this.store), JSON.stringify(response), {
        qos: 1,
        correlationData: m.correlationData ?? Buffer.from(request.id),
      })
      .catch((err: Error) => this.log.warn({ method, id: request.id, err: err.message }, 'answer not sent'))
  }

  private async answer(method: string, body: unknown, meta: { id: string; expiresAt: number }): Promise<AskAnswer> {
    const handler = this.handlers[method]
    if (!handler) return { status: 'error', reason: 'unknown_method', detail: `no ask ${method}` }
    try {
      return await handler(body, meta)
    } catch (err) {
      if (err instanceof ContractError) return { status: 'error', reason: 'bad_request', detail: err.message }
      this.log.error({ err, method, id: meta.id }, 'ask failed')
      return { status: 'error', reason: 'failed', detail: (err as Error).message }
    }
  }
}
