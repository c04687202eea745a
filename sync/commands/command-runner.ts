/**
 * Runs the cloud's commands (tillside/v1/{store}/cmd/{type}) one at a time: parse,
 * answer a repeated id with its first result, apply through the type's handler,
 * record the outcome (journaled, so the cloud also gets it as an event) and publish the
 * result on cmd-result. Bad input of any kind gets a `rejected` result and a log line;
 * nothing a command carries can stop the relay.
 */
import { SyncReads } from '../../gateway/store/read/sync-reads.js'
import type { Journal } from '../../gateway/store/journal.js'
import type { Logger } from '../../gateway/log.js'
import { COMMAND_ID, CONTRACT_VERSION, ContractError, parseCommand, topics, type CommandResult } from '../contract.js'
import type { Link } from '../link.js'
import { CommandRejected, type CommandHandlers } from './command-types.js'

export class CommandRunner {
  private queue: Promise<void> = Promise.resolve()
  readonly stats = { applied: 0, rejected: 0, repeated: 0 }
  private readonly reads: SyncReads

  constructor(
    private readonly store: string,
    private readonly journal: Journal,
    private readonly link: Link,
    private readonly handlers: CommandHandlers,
    private readonly log: Logger,
  ) {
    this.reads = new SyncReads(journal)
  }

  /** Queues a command message; commands apply in arrival order, never two at once. */
  submit(type: string, payload: Buffer): Promise<void> {
    this.queue = this.queue
      .then(() => this.run(type, payload))
      .catch((err: unknown) => this.log.error({ err, type }, 'command failed unexpectedly'))
    return this.queue
  }

  private async run(type: string, payload: Buffer): Promise<void> {
    let id: string | null = idOf(payload)
    let status: CommandResult['status'] = 'ok'
    let reason: string | null = null
    let detail: string | null = null
    try {
      const command = parseCommand(payload)
      id = command.id
      if (command.store !== undefined && command.store !== this.store)
        throw new CommandRejected('wrong_store', `command for store ${command.store} reached ${this.store}`)
      const prior = this.reads.command(id)
      if (prior) {
        this.stats.repeated++
        this.log.info({ id, type }, 'command seen before; answering with its first result')
        return this.publish({ v: CONTRACT_VERSION, id, type, ...prior, at: new Date().toISOString() })
      }
      const handler = this.handlers[type]
      if (!handler)
        throw new CommandRejected(
          'unknown_type',
          `no command "${type}"; known: ${Object.keys(this.handlers).join(', ')}`,
        )
      detail = (await handler(command.body, { id, type })) ?? null
    } catch (err) {
      status = 'rejected'
      if (err instanceof CommandRejected) [reason, detail] = [err.code, err.message]
      else if (err instanceof ContractError) [reason, detail] = ['malformed', err.message]
      else {
        this.log.error({ err, id, type }, 'command handler failed')
        ;[reason, detail] = ['failed', (err as Error).message]
      }
    }
    if (id !== null && reason !== 'failed') {
      // Recorded even when refused: the same id gets the same answer next time. A handler
      // that failed (a full disk…) is not recorded, so the cloud's retry can still apply it.
      const { result } = await this.journal.execute('sync.command', { id, type, status, reason, detail })
      ;({ status, reason, detail } = result.outcome)
    }
    this.stats[status === 'ok' ? 'applied' : 'rejected']++
    this.log[status === 'ok' ? 'info' : 'warn']({ id, type, status, reason, detail }, 'command')
    await this.publish({
      v: CONTRACT_VERSION,
      id: id ?? '',
      type,
      status,
      reason,
      detail,
      at: new Date().toISOString(),
    })
  }

  private async publish(result: CommandResult): Promise<void> {
    await this.link
      .publish(topics.commandResult(this.store), JSON.stringify(result), { qos: 1 })
      .catch((err: Error) =>
        this.log.warn(
          { err: err.message, id: result.id },
          'command result not sent (recorded; a repeat of the command gets it)',
        ),
      )
  }
}

/** The id of a command that may not parse, so even a refusal can name it. */
function idOf(payload: Buffer): string | null {
  try {
    const id = (JSON.parse(payload.toString()) as { id?: unknown }).id
    return typeof id === 'string' && COMMAND_ID.test(id) ? id : null
  } catch {
    return null
  }
}
