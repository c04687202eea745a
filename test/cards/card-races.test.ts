/**
 * The card's money under the worst a store can do to it, for real: two processes (two
 * tills) on one SQLite file paying from the same cards at once, and a process moving money
 * that is SIGKILLed at random moments. A card is never spent twice or below zero; every
 * acknowledged movement is there with its event and outbox row; nothing is half there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { Journal } from '../../gateway/store/journal.js'
import { silentLogger } from '../../gateway/log.js'
import { checkIntegrity } from '../../gateway/store/database.js'
import { tempDir } from '../helpers/tmp.js'

const CHILD = fileURLToPath(new URL('./card-child.ts', import.meta.url))
const CARDS = 30
const ROUNDS = 4
const KILLS = 20

type Outcome = { ok: boolean; reason: string | null }

function child(args: string[]): { proc: ChildProcess; ready: Promise<void>; lines: string[]; done: Promise<string> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
  const lines: string[] = []
  let buffer = ''
  let stderr = ''
  let onReady: () => void
  const ready = new Promise<void>((r) => (onReady = r))
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  proc.stdout!.on('data', (d: Buffer) => {
    buffer += d.toString()
    const parts = buffer.split('\n')
    buffer = parts.pop()! // only complete lines were acknowledged
    for (const line of parts) {
      if (line === 'ready') onReady()
      else lines.push(line)
    }
  })
  const done = new Promise<string>((resolve, reject) =>
    proc.on('exit', (code, signal) =>
      code === 0 || signal === 'SIGKILL'
        ? resolve(signal ?? 'exit')
        : reject(new Error(`child exited ${code}: ${stderr}`)),
    ),
  )
  return { proc, ready, lines, done }
}

/** Members with a card holding `each` (cash, no bonus rules in the children's defaults). */
async function cardsWith(file: string, count: number, each: number): Promise<string[]> {
  const journal = new Journal(file, silentLogger())
  await journal.start()
  const members: string[] = []
  for (let i = 0; i < count; i++) {
    const { result } = await journal.execute('member.enrol', {
      memberId: randomBytes(10).toString('hex'),
      phoneHash: randomBytes(16).toString('hex'),
      phoneEnc: 'x',
      qrSecret: 'x',
      consents: [{ kind: 'membership', version: 't', granted: true }],
      channel: 'pos',
      device: null,
    })
    const topped = await journal.execute('card.topup', {
      key: randomUUID(),
      requestHash: 'h',
      currency: 'CNY',
      cashier: null,
      device: null,
      member: result.memberId,
      amount: each,
      bonus: 0,
      method: 'cash',
      reference: null,
      idChecked: true,
      limits: { maxBalance: 1e8, idCheckAbove: 1e8 },
      charged: false,
    })
    expect(topped.result.ok).toBe(true)
    members.push(result.memberId)
  }
  await journal.stop()
  return members
}

/** Every balance is its ledger's sum and never negative; every ledger row has its event and outbox row. */
function checkLedger(db: Database.Database): void {
  expect(checkIntegrity(db)).toBe('ok')
  const mismatched = db
    .prepare(
      `SELECT c.member FROM cards c LEFT JOIN (SELECT member, sum(principal) p, sum(bonus) b FROM card_ledger GROUP BY member) l
       USING (member) WHERE c.principal != coalesce(l.p, 0) OR c.bonus != coalesce(l.b, 0) OR c.principal < 0 OR c.bonus < 0`,
    )
    .all()
  expect(mismatched).toEqual([])
  const orphans = db
    .prepare(
      `SELECT l.id FROM card_ledger l LEFT JOIN events e ON e.id = l.id AND e.seq = l.event_seq
       LEFT JOIN outbox o ON o.seq = l.event_seq WHERE e.id IS NULL OR o.seq IS NULL`,
    )
    .all()
  expect(orphans).toEqual([])
  const eventsWithoutRow = db
    .prepare(
      `SELECT e.id FROM events e LEFT JOIN card_ledger l ON l.id = e.id
       WHERE e.type IN ('card.topped_up', 'card.debited', 'card.refunded', 'card.reversed') AND l.id IS NULL`,
    )
    .all()
  expect(eventsWithoutRow).toEqual([])
}

describe('card money under races and kills', () => {
  let tmp: ReturnType<typeof tempDir>
  beforeAll(() => (tmp = tempDir()))
  afterAll(() => tmp.cleanup())

  it('two tills paying 4,000 from the same 5,000 cards at once: exactly one wins each card', async () => {
    const file = join(tmp.dir, 'race.db')
    let interleaved = false
    let played = 0
    for (let round = 0; round < ROUNDS && !interleaved; round++) {
      const members = await cardsWith(file, CARDS, 5_000)
      const membersFile = join(tmp.dir, `members-${round}.json`)
      writeFileSync(membersFile, JSON.stringify(members))
      const tills = [child(['race', file, membersFile, 'till-1']), child(['race', file, membersFile, 'till-2'])]
      await Promise.all(tills.map((t) => t.ready))
      for (const t of tills) t.proc.stdin!.end('go\n')
      await Promise.all(tills.map((t) => t.done))
      const [r1, r2] = tills.map((t) => JSON.parse(t.lines[0]!) as Outcome[]) as [Outcome[], Outcome[]]
      played++
      for (let i = 0; i < CARDS; i++) {
        expect([r1[i]!.ok, r2[i]!.ok].filter(Boolean), `card ${i}`).toHaveLength(1)
        expect([r1[i]!, r2[i]!].find((o) => !o.ok)!.reason).toBe('insufficient_balance')
      }
      interleaved = r1.some((o) => o.ok) && r2.some((o) => o.ok)
      const db = new Database(file, { readonly: true })
      const left = db
        .prepare(`SELECT principal + bonus FROM cards WHERE member IN (${members.map(() => '?').join(',')})`)
        .pluck()
        .all(...members)
      expect(left).toEqual(members.map(() => 1_000))
      checkLedger(db)
      db.close()
    }
    expect(interleaved, `the two tills never interleaved in ${played} rounds`).toBe(true)
  }, 180_000)

  it(`loses no acknowledged movement and leaves none half-written across ${KILLS} SIGKILLs`, async () => {
    const file = join(tmp.dir, 'kills.db')
    const members = await cardsWith(file, 8, 20_000)
    const membersFile = join(tmp.dir, 'kill-members.json')
    writeFileSync(membersFile, JSON.stringify(members))
    const acked = new Map<string, string>()
    for (let round = 0; round < KILLS; round++) {
      const c = child(['churn', file, membersFile, `till-${round}`])
      await c.ready
      // Kill once it has moved money (on a loaded machine that can take a while), at a random moment after.
      const deadline = Date.now() + 60_000
      while (c.lines.length < 5 && Date.now() < deadline) await new Promise((r) => setImmediate(r))
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 150)))
      c.proc.kill('SIGKILL')
      await c.done
      for (const line of c.lines) {
        const [id, kind] = line.split(' ')
        acked.set(id!, kind!)
      }
      const db = new Database(file)
      checkLedger(db)
      const stored = new Map(
        (db.prepare('SELECT id, kind FROM card_ledger').all() as { id: string; kind: string }[]).map((r) => [
          r.id,
          r.kind,
        ]),
      )
      db.close()
      expect([...acked].filter(([id, kind]) => stored.get(id) !== kind)).toEqual([])
    }
    expect(acked.size).toBeGreaterThan(KILLS * 5)
  }, 300_000)
})
