/**
 * journal.append: durable events/s through the group-commit journal (writer worker,
 * synchronous=FULL), side by side with the naive way: one transaction (one fsync) per
 * event on the same pragmas; and the cost of the hourly rollups the writer keeps (issue
 * #16: within 10 %), runs with and without them alternated in the same process.
 */
import { join } from 'node:path'
import { Journal } from '../../gateway/store/journal.js'
import { openWriteDatabase } from '../../gateway/store/database.js'
import { silentLogger } from '../../gateway/log.js'
import { report, round } from './report.js'

const EVENTS = 200_000
const WINDOW = 20_000 // appends outstanding at once, as many producers would have
const NAIVE_SECONDS = 3

const payload = { data: 'TS1:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', symbology: 'qr', aimId: ']Q1', role: 'till' as const }

/** Appends EVENTS scans from WINDOW producers; events/s and the journal's health. */
async function groupRun(file: string, rollups: boolean) {
  const journal = new Journal(file, silentLogger(), undefined, { rollups })
  await journal.start()
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
  const seconds = (performance.now() - started) / 1000
  const health = journal.getHealth()
  await journal.stop()
  return { rate: EVENTS / seconds, health }
}

export async function benchJournalAppend(dir: string): Promise<void> {
  // Alternated, so a noisy minute hits both ways alike; the best of three each.
  const runs: { with: number[]; without: number[] } = { with: [], without: [] }
  let health = null as Awaited<ReturnType<typeof groupRun>>['health'] | null
  for (let i = 0; i < 3; i++) {
    const kept = await groupRun(join(dir, `group-${i}.db`), true)
    health = kept.health
    runs.with.push(kept.rate)
    runs.without.push((await groupRun(join(dir, `plain-${i}.db`), false)).rate)
  }
  const groupRate = Math.max(...runs.with)
  const plainRate = Math.max(...runs.without)

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
    commits: health!.commits,
    largest_batch: health!.largestBatch,
  })
  report({
    bench: 'journal.append',
    metric: 'rollup_cost',
    value: round((1 - groupRate / plainRate) * 100, 1),
    unit: '% fewer events/s with hourly rollups',
    baseline: 'the same journal without rollups, alternated in the same process (best of 3 each)',
    baseline_value: Math.round(plainRate),
    ratio: round(groupRate / plainRate, 3),
  })
}
