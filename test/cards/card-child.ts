// Child process for the card races and kills: opens the shared database with its own
// journal writer and moves money on the cards named in the members file.
//   race: waits for "go", pays 4,000 from every card in its own random order, prints the outcomes.
//   churn: tops up and pays at random, printing "id kind member" per acknowledged movement, until killed.
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { randomUUID } from 'node:crypto'
import { Journal } from '../../gateway/store/journal.js'
import { silentLogger } from '../../gateway/log.js'
import { CardService } from '../../gateway/cards/card-service.js'
import { CardError } from '../../gateway/cards/card-errors.js'
import { parseConfig } from '../../config/load.js'

const [mode, file, membersFile, name] = process.argv.slice(2) as [string, string, string, string]
const members = JSON.parse(readFileSync(membersFile, 'utf8')) as string[]
const journal = new Journal(file, silentLogger())
await journal.start()
const noWallet = { chargeDecided: () => Promise.reject(new Error('no wallet in this test')) }
const { cards: limits } = parseConfig('store: { id: s, name: S }', 'card-child.yaml')
const cards = new CardService(journal, limits, noWallet, silentLogger())
const till = { key: `till:${name}`, cashier: name, device: name }

if (mode === 'race') {
  for (const m of members) cards.summary(m) // warm the read path
  process.stdout.write('ready\n')
  for await (const line of createInterface({ input: process.stdin })) {
    if (line !== 'go') continue
    const order = members.map((_, i) => i).sort(() => Math.random() - 0.5)
    const outcomes: { ok: boolean; reason: string | null }[] = new Array(members.length)
    for (const i of order) {
      try {
        await cards.debit(till, { idempotencyKey: randomUUID(), memberId: members[i]!, amount: 4_000 })
        outcomes[i] = { ok: true, reason: null }
      } catch (err) {
        if (!(err instanceof CardError)) throw err
        outcomes[i] = { ok: false, reason: err.code }
      }
    }
    process.stdout.write(`${JSON.stringify(outcomes)}\n`)
    break
  }
} else {
  process.stdout.write('ready\n')
  const worker = async () => {
    for (;;) {
      const memberId = members[Math.floor(Math.random() * members.length)]!
      const topUp = Math.random() < 0.4
      try {
        const moved = topUp
          ? await cards.topUp(till, {
              idempotencyKey: randomUUID(),
              memberId,
              amount: 100 + Math.floor(Math.random() * 900),
              payment: { method: 'cash' },
            })
          : await cards.debit(till, {
              idempotencyKey: randomUUID(),
              memberId,
              amount: 1 + Math.floor(Math.random() * 700),
            })
        process.stdout.write(`${moved.entry.id} ${moved.entry.kind} ${memberId}\n`)
      } catch (err) {
        if (!(err instanceof CardError)) throw err
      }
    }
  }
  await Promise.all(Array.from({ length: 32 }, worker))
}
await journal.stop()
