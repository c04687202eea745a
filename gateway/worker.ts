/** Starts a worker thread from a module next to the caller, from sources (.ts) or dist (.js). */
import { Worker } from 'node:worker_threads'

/** The worker reads its data as `workerData.data`. */
export function startWorker(callerUrl: string, name: string, data: unknown): Worker {
  if (callerUrl.endsWith('.ts')) {
    const entry = new URL(`./${name}.ts`, callerUrl).href
    return new Worker(new URL('../scripts/ts-worker.mjs', import.meta.url), { workerData: { entry, data } })
  }
  return new Worker(new URL(`./${name}.js`, callerUrl), { workerData: { data } })
}
