/** What a downlink command handler is: one small function per command type. */
import { CodedError } from '../../config/coded-error.js'

/** Returns a short detail for the result (or nothing); throws CommandRejected to refuse. */
export type CommandHandler = (
  body: unknown,
  meta: { id: string; type: string },
) => Promise<string | void> | string | void

export type CommandHandlers = Record<string, CommandHandler>

export class CommandRejected extends CodedError<string> {
  override readonly name = 'CommandRejected'
}
