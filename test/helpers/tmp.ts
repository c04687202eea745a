import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { contractViolations, journalsUnder } from './event-contract.js'

/**
 * A fresh temp directory, removed by the returned cleanup — which first holds every
 * gateway journal in it to the event contract and throws what breaks it.
 */
export function tempDir(prefix = 'tillside-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return {
    dir,
    cleanup: () => {
      const broken = journalsUnder(dir).flatMap((file) => contractViolations(file))
      rmSync(dir, { recursive: true, force: true })
      if (broken.length > 0) throw new Error(`events that break the event contract:\n${broken.join('\n')}`)
    },
  }
}
