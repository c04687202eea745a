/** `tillside start`: run until SIGTERM/SIGINT, then shut down in order. */
import type { Config } from '../../config/schema.js'
import { configNotes } from '../../config/load.js'
import { createRootLogger, prettyLogs } from '../log.js'
import { Gateway } from '../runtime/gateway.js'
import { SystemdNotifier } from '../runtime/systemd-notify.js'
import { startupProblem } from './start-errors.js'

const SHUTDOWN_TIMEOUT_MS = 15_000

export async function runStart(config: Config): Promise<number> {
  // Whatever the gateway writes (journal, keys, slips, backups of config) is the service user's alone.
  process.umask(0o077)
  const log = createRootLogger(
    config.log.level,
    undefined,
    prettyLogs(config.log.format, process.stdout, process.env) ? 'pretty' : 'json',
  )
  for (const note of configNotes(config)) log.warn(note)
  const systemd = SystemdNotifier.fromEnv(process.env, log)
  let gateway: Gateway | null = null
  const abort = new AbortController()
  let stopping: Promise<void> | null = null
  const shutdown = (code: number): Promise<void> => {
    if (stopping) return stopping
    const timer = setTimeout(() => {
      log.error('shutdown took too long; exiting')
      process.exit(1)
    }, SHUTDOWN_TIMEOUT_MS)
    timer.unref()
    abort.abort() // a gateway still opening (waiting for the lock) gives up
    systemd?.stopping()
    stopping = (gateway?.stop() ?? Promise.resolve()).then(() => {
      systemd?.close()
      process.exitCode = code
      // stdin (simulator) and worker handles must not keep a stopped gateway alive.
      process.stdin.destroy()
    })
    return stopping
  }
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.on(sig, () => {
      if (stopping) {
        log.warn({ signal: sig }, 'second signal: exiting now')
        process.exit(1)
      }
      log.info({ signal: sig }, 'shutting down')
      void shutdown(0)
    })
  }
  try {
    gateway = await Gateway.open(
      {
        config,
        log,
        stdin: process.stdin,
        onFatal: (err) => {
          log.fatal({ err }, 'journal failed; stopping so the service manager restarts us')
          void shutdown(1)
        },
      },
      abort.signal,
    )
    await gateway.start(abort.signal)
    systemd?.ready(`serving ${gateway.address}`)
  } catch (err) {
    const problem = startupProblem(err, config)
    if (problem === null) log.fatal({ err }, 'gateway failed to start')
    else {
      log.fatal({ code: (err as { code?: string }).code }, problem)
      // Also plainly on stderr, for whoever started it at a terminal (journalctl shows the log line).
      if (process.stderr.isTTY) process.stderr.write(`tillside start: ${problem}\n`)
    }
    systemd?.close()
    return 1
  }
  return new Promise<number>(() => {}) // runs until a signal; exitCode is set by shutdown
}
