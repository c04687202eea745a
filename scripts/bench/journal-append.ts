/**
 * journal.append: durable events/s through the group-commit journal (writer worker,
 * synchronous=FULL), side by side with the naive way: one transaction (one fsync) per
 * event on the same pragmas.
 */
import { join } from 'node:path'
import { Journal } from '../../gateway/store/journal.js'
import { openWriteDatabase } from '../../gateway/store/database.js'
import { silentLogger } from '../../gateway/log.js'
import { report, round } from './report.js'

const EVENTS = 200_000
const WINDOW = 20_000 // appends outstanding at once, as many producers would have
const NAIVE_SECONDS = 3

export async function benchJournalAppend(dir: string): Promise<void> {
  const journal = new Journal(join(dir, 'group.db'), silentLogger())
  await journal.start()
  const payload = { data: 'TS1:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', symbology: 'qr', aimId: ']Q1', role: 'till' as const }
  // Warm-up so worker start and page allocation are not measured.
  await Promise.all(Array.from({ length: 2000 }, () => journal.append({ type: 'scan', device: 'bench', payload })))
  const started = performance.now()
  let next = 0
  async function producer(): Promise<void> {
    while (next < EVENTS) {
      next++
      await journal.append({ type: 'scan', device: 'bench', payload })
    }
  }
  await Promise.all(Array.from({ length: WINDOW }, producer))
  const groupSeconds = (performance.now() - started) / 1000
  const health = journal.getHealth()
  await journal.stop()
  const groupRate = EVENTS / groupSeconds

  const { db } = openWriteDatabase(join(dir, 'naive.db'))
  const insert = db.prepare('INSERT INTO events (id, type, time, device, payload) VALUES (?, ?, ?, ?, ?)')
  const text = JSON.stringify(payload)
  let n = 0
  const naiveStart = performance.now()
  while (performance.now() - naiveStart < NAIVE_SECONDS * 1000) {
    insert.run(`naive-${n++}`, 'scan', Date.now(), 'bench', text) // autocommit: one fsync each
  }
  const naiveRate = n / ((performance.now() - naiveStart) / 1000)
  db.close()

  report({
    bench: 'journal.append',
    metric: 'durable_events_per_second',
    value: Math.round(groupRate),
    unit: 'events/s',
    baseline: 'one transaction per event, synchronous=FULL',
    baseline_value: Math.round(naiveRate),
    ratio: round(groupRate / naiveRate, 1),
    events: EVENTS,
    commits: health.commits,
    largest_batch: health.largestBatch,
  })
}
