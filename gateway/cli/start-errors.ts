/**
 * What went wrong at start, as one plain sentence with what to do — the problems a store
 * meets (the port taken, the data directory in use, a file missing or not readable) —
 * instead of a stack trace. Null for anything else: that one is a bug, and its stack is
 * what support needs.
 */
import type { Config } from '../../config/schema.js'
import { DataDirLockedError } from '../runtime/data-dir-lock.js'

export function startupProblem(err: unknown, config: Pick<Config, 'http' | 'dataDir'>): string | null {
  if (err instanceof DataDirLockedError) return err.message
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number }
  switch (e?.code) {
    case 'EADDRINUSE':
      return `${e.address ?? config.http.host}:${e.port ?? config.http.port} is in use by another program: stop it (ss -ltnp shows which) or choose another port in the config (http.port, portal.http.port)`
    case 'EADDRNOTAVAIL':
      return `${e.address ?? config.http.host} is not an address of this machine: fix http.host (or portal.http.host) in the config`
    case 'EACCES':
      return e.syscall === 'listen' || e.syscall === 'bind'
        ? `port ${e.port} needs privileges this service does not have: use a port above 1023 (http.port)`
        : `${e.path ?? 'a file'} cannot be read or written by this user: give the tillside user access (or fix the path in the config)`
    case 'ENOENT':
      return `${e.path ?? 'a file the config names'} is missing: put it there or fix its path in the config`
    case 'ENOSPC':
      return `the disk holding ${config.dataDir} is full: free space, then start again`
    default:
      return null
  }
}
