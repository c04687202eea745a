/**
 * Structured logging: one pino root per process, one child logger per module. On a
 * terminal the lines are made readable (pino-pretty, in this thread: a person is reading,
 * not a busy Saturday); anywhere else, and always under systemd, one JSON object per line.
 */
import { createRequire } from 'node:module'
import { pino, type Logger, type DestinationStream } from 'pino'
import type { PrettyOptions } from 'pino-pretty'
import type { Config, LogLevel } from '../config/schema.js'

export type { Logger }

export type LogFormat = Config['log']['format']

/** Readable lines for `auto` only on a terminal that systemd did not hand us (JOURNAL_STREAM). */
export function prettyLogs(format: LogFormat, stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (format !== 'auto') return format === 'pretty'
  return stream.isTTY === true && !env.JOURNAL_STREAM && !env.INVOCATION_ID
}

export function createRootLogger(level: LogLevel, destination?: DestinationStream, format: LogFormat = 'json'): Logger {
  // Loaded only when wanted: a gateway under systemd never pays for it.
  const pretty = () => createRequire(import.meta.url)('pino-pretty') as (o: PrettyOptions) => DestinationStream
  const out =
    format === 'pretty'
      ? pretty()({
          colorize: true,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname',
          destination: destination ?? 1,
        })
      : destination
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, out)
}

/** `moduleLogger(root, 'drivers:scanner')` — the module name is how logs are filtered. */
export function moduleLogger(root: Logger, module: string, bindings: Record<string, unknown> = {}): Logger {
  return root.child({ module, ...bindings })
}

/** A logger that drops everything, for unit tests of logic. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' })
}
