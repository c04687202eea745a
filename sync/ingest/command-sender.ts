/**
 * The cloud's side of commands: publishes one to a store (QoS 1; the broker keeps it in
 * the store's session while it is away) and resolves with the store's result from
 * tillside/v1/{store}/cmd-result — the link must be subscribed to it.
 */
import { randomUUID } from 'node:crypto'
import type { Logger } from '../../gateway/log.js'
import { CONTRACT_VERSION, ROOT, topics, type Command, type CommandResult } from '../contract.js'
import type { Link } from '../link.js'

export class CommandSender {
  private readonly waiting = new Map<string, (result: CommandResult) => void>()

  constructor(
    private readonly link: Link,
    private readonly log: Logger,
  ) {
    link.on('message', (m) => {
      if (m.topic.startsWith(`${ROOT}/`) && m.topic.endsWith('/cmd-result')) this.onResult(m.topic, m.payload)
    })
  }

  send(
    store: string,
    type: string,
    body: unknown,
    id: string = randomUUID(),
    timeoutMs = 30_000,
  ): Promise<CommandResult> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id)
        reject(new Error(`no result for command ${id} (${type}) from ${store} within ${timeoutMs} ms`))
      }, timeoutMs)
      this.waiting.set(id, (r) => (clearTimeout(timer), resolve(r)))
      const command: Command = { v: CONTRACT_VERSION, id, store, issuedAt: new Date().toISOString(), body }
      this.link
        .publish(topics.command(store, type), JSON.stringify(command), { qos: 1 })
        .catch((err: Error) => (clearTimeout(timer), this.waiting.delete(id), reject(err)))
    })
  }

  private onResult(topic: string, payload: Buffer): void {
    let result: CommandResult
    try {
      result = JSON.parse(payload.toString()) as CommandResult
    } catch {
      return void this.log.warn({ topic }, 'command result is not JSON')
    }
    this.log.info(
      { topic, id: result.id, type: result.type, status: result.status, reason: result.reason, detail: result.detail },
      'command result',
    )
    this.waiting.get(result.id)?.(result)
    this.waiting.delete(result.id)
  }
}
