/**
 * Turns a group-commit batch (plain appends and writer commands, in submission order)
 * into the writer's message, and the writer's answer back into each caller's result.
 */
import {
  ROW_WIDTH,
  type CommandCall,
  type CommandOutcome,
  type EventRow,
  type FlatRows,
  type WrittenEvent,
} from './journal-protocol.js'
import { JournalCommandError } from './journal-errors.js'

export interface JournalEvent<P = unknown> {
  id: string
  seq: number
  type: string
  time: number
  device: string | null
  payload: P
}

/** What `Journal.execute` resolves with: the command's result and the events it appended. */
export interface CommandResult<R> {
  result: R
  events: JournalEvent[]
}

/** An item waiting for its commit: a plain append (with the caller's payload object) or a command. */
export type Pending = { kind: 'row'; row: EventRow; payload: object } | { kind: 'command'; name: string; args: unknown }

export function toWriterBatch(items: Pending[]): { flat: FlatRows; commands: CommandCall[] } {
  const rows = items.reduce((n, p) => n + (p.kind === 'row' ? 1 : 0), 0)
  const flat: FlatRows = new Array(rows * ROW_WIDTH)
  const commands: CommandCall[] = []
  let i = 0
  for (const p of items) {
    if (p.kind === 'command') {
      commands.push({ at: i / ROW_WIDTH, name: p.name, args: p.args })
      continue
    }
    const r = p.row
    flat[i++] = r.id
    flat[i++] = r.type
    flat[i++] = r.time
    flat[i++] = r.device
    flat[i++] = r.payload
  }
  return { flat, commands }
}

/** One result per item: a JournalEvent for a row, CommandResult or JournalCommandError for a command. */
export function fromWriterResults(items: Pending[], firstSeq: number, outcomes: CommandOutcome[]): unknown[] {
  let seq = firstSeq
  let k = 0
  return items.map((p) => {
    if (p.kind === 'row') {
      const { row } = p
      return { id: row.id, seq: seq++, type: row.type, time: row.time, device: row.device, payload: p.payload }
    }
    const outcome = outcomes[k++]!
    if (!outcome.ok) return new JournalCommandError(outcome.code, `${p.name}: ${outcome.message}`)
    seq += outcome.events.length
    return { result: outcome.result, events: outcome.events.map(parseWritten) } satisfies CommandResult<unknown>
  })
}

export function countEvents(items: Pending[], outcomes: CommandOutcome[]): number {
  let n = 0
  for (const p of items) if (p.kind === 'row') n++
  for (const o of outcomes) if (o.ok) n += o.events.length
  return n
}

function parseWritten(e: WrittenEvent): JournalEvent {
  return {
    id: e.id,
    seq: e.seq,
    type: e.type,
    time: e.time,
    device: e.device,
    payload: JSON.parse(e.payload) as unknown,
  }
}
