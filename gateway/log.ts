/** Structured logging: one pino root per process, one child logger per module. */
import { pino, type Logger, type DestinationStream } from 'pino'
import type { LogLevel } from '../config/schema.js'

export type { Logger }

export function createRootLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, destination)
}

/** `moduleLogger(root, 'drivers:scanner')` — the module name is how logs are filtered. */
export function moduleLogger(root: Logger, module: string, bindings: Record<string, unknown> = {}): Logger {
  return root.child({ module, ...bindings })
}

/** A logger that drops everything, for unit tests of logic. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' })
}
