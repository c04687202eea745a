/**
 * Durability: a child appends under load and is SIGKILLed at random moments. After each
 * kill the journal reopens with integrity ok, and every append the child saw resolve is
 * present exactly once with the seq it was given.
 */
import { describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { tempDir } from '../helpers/tmp.js'
import { checkIntegrity } from '../../gateway/store/database.js'
import { rollupsAndRecount } from '../helpers/rollups.js'

const CHILD = fileURLToPath(new URL('./append-child.ts', import.meta.url))
const ROUNDS = 20

function runAndKill(file: string, killAfterMs: number): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file], { stdio: ['ignore', 'pipe', 'pipe'] })
    const acked = new Map<string, number>()
    let buffer = ''
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString()
      const lines = buffer.split('\n')
      buffer = lines.pop()! // only complete lines count as acknowledged
      for (const line of lines) {
        if (line === 'ready') {
          setTimeout(() => child.kill('SIGKILL'), killAfterMs)
          continue
        }
        const [seq, id] = line.split(' ')
        acked.set(id!, Number(seq))
      }
    })
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked)
      else reject(new Error(`child exited ${code} before the kill: ${stderr}`))
    })
  })
}

describe('journal durability under SIGKILL', () => {
  it(`loses no acknowledged append across ${ROUNDS} random kills`, { timeout: 180_000 }, async () => {
    const tmp = tempDir()
    const file = join(tmp.dir, 'journal.db')
    const allAcked = new Map<string, number>()
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const acked = await runAndKill(file, 20 + Math.floor(Math.random() * 300))
        for (const [id, seq] of acked) allAcked.set(id, seq)
        const db = new Database(file)
        expect(checkIntegrity(db)).toBe('ok')
        const rows = db.prepare('SELECT id, seq FROM events').all() as { id: string; seq: number }[]
        db.close()
        const stored = new Map(rows.map((r) => [r.id, r.seq]))
        expect(stored.size).toBe(rows.length) // exactly once
        const missing = [...allAcked].filter(([id, seq]) => stored.get(id) !== seq)
        expect(missing).toEqual([])
        // The hourly rollups commit with the events: a kill never leaves them apart.
        const { kept, recount } = rollupsAndRecount(file)
        expect(kept).toEqual(recount)
        const seqs = rows.map((r) => r.seq).sort((a, b) => a - b)
        expect(seqs.every((s, i) => i === 0 || s === seqs[i - 1]! + 1)).toBe(true) // no gaps
      }
      expect(allAcked.size).toBeGreaterThan(ROUNDS * 10)
    } finally {
      tmp.cleanup()
    }
  })
})
