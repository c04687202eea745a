import { Writable } from 'node:stream'
import { createRootLogger, type Logger } from '../../gateway/log.js'

/** A real pino logger whose lines the test can inspect. */
export function captureLogs(level: 'trace' | 'debug' | 'info' | 'warn' = 'info'): {
  log: Logger
  lines: Record<string, unknown>[]
} {
  const lines: Record<string, unknown>[] = []
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line) lines.push(JSON.parse(line) as Record<string, unknown>)
      done()
    },
  })
  return { log: createRootLogger(level, stream), lines }
}
