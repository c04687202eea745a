// Development-only bootstrap: runs a TypeScript worker entry under tsx. Node 20 does
// not apply `--import tsx` from a Worker's execArgv to the worker's own entry, so the
// loader is registered here first. Built code (dist/) starts its .js workers directly.
import { register } from 'tsx/esm/api'
import { workerData } from 'node:worker_threads'

register()
await import(workerData.entry)
