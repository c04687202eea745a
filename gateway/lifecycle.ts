/**
 * Feature modules: constructors only assign fields; `start()` does the work and may be
 * aborted; `stop()` undoes it. The app starts modules in order and stops them in reverse,
 * each inside try/catch so one failing stop never leaves the rest running.
 */
import type { Logger } from './log.js'

export interface Module {
  readonly name: string
  start(signal: AbortSignal): Promise<void>
  stop(): Promise<void>
}

/** Starts modules in order; if one fails, stops those already started and rethrows. */
export async function startModules(modules: Module[], signal: AbortSignal, log: Logger): Promise<Module[]> {
  const started: Module[] = []
  for (const m of modules) {
    signal.throwIfAborted()
    try {
      await m.start(signal)
      started.push(m)
      log.debug({ moduleName: m.name }, 'module started')
    } catch (err) {
      log.error({ err, moduleName: m.name }, 'module failed to start')
      await stopModules(started, log)
      throw err
    }
  }
  return started
}

export async function stopModules(started: Module[], log: Logger): Promise<void> {
  for (const m of [...started].reverse()) {
    try {
      await m.stop()
      log.debug({ moduleName: m.name }, 'module stopped')
    } catch (err) {
      log.error({ err, moduleName: m.name }, 'module failed to stop cleanly')
    }
  }
}
