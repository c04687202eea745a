/**
 * The payment-code charge protocol on a real journal, against a provider scripted to give
 * each answer a real one gives: paid at once, pending then paid, pending for ever (→
 * cancelled), an answer lost on a charge that did go through (→ found by the query,
 * charged once), a cancel that fails before it succeeds, an answer that throws, and a
 * stop mid-protocol with a restart that resumes it without charging the code again.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { Journal } from '../../gateway/store/journal.js'
import { silentLogger } from '../../gateway/log.js'
import { ChargeProtocol } from '../../gateway/payments/charge-protocol.js'
import type {
  CancelResult,
  ChargeResult,
  PaymentProvider,
  QueryResult,
} from '../../gateway/payments/payment-provider.js'
import { tempDir } from '../helpers/tmp.js'

const TIMING = { queryEveryMs: 20, confirmWithinMs: 600, cancelRetryMaxMs: 80 }
const paid = (n = 1) => ({ status: 'paid' as const, transactionId: `tx-${n}`, detail: 'paid' })
const pending = { status: 'pending' as const, detail: 'user paying' }
const unknown = { status: 'unknown' as const, detail: 'timed out' }

/** Answers in turn from each script (its last answer repeats); counts the calls. */
class Scripted implements PaymentProvider {
  readonly name = 'scripted'
  prepareCharge?: PaymentProvider['prepareCharge']
  calls = { charge: 0, query: 0, cancel: 0 }
  constructor(
    private readonly script: { charge: (ChargeResult | Error)[]; query?: QueryResult[]; cancel?: CancelResult[] },
  ) {}
  available = () => true
  charge(): Promise<ChargeResult> {
    const a = this.script.charge[Math.min(this.calls.charge++, this.script.charge.length - 1)]!
    return a instanceof Error ? Promise.reject(a) : Promise.resolve(a)
  }
  query(): Promise<QueryResult> {
    const q = this.script.query ?? [{ status: 'not_found', detail: 'no such charge' }]
    return Promise.resolve(q[Math.min(this.calls.query++, q.length - 1)]!)
  }
  refund(): Promise<{ status: 'refused'; detail: string }> {
    return Promise.resolve({ status: 'refused', detail: 'not in this script' })
  }
  cancel(): Promise<CancelResult> {
    const c = this.script.cancel ?? [{ status: 'cancelled', detail: 'cancelled' }]
    return Promise.resolve(c[Math.min(this.calls.cancel++, c.length - 1)]!)
  }
}

describe('the payment-code charge protocol', () => {
  const open: { journal: Journal; protocol: ChargeProtocol; cleanup: () => void }[] = []
  afterEach(async () => {
    for (const o of open.splice(0)) {
      await o.protocol.stop()
      await o.journal.stop()
      o.cleanup()
    }
  })

  async function setUp(provider: PaymentProvider, dir = tempDir()) {
    const journal = new Journal(join(dir.dir, 'j.db'), silentLogger())
    await journal.start()
    const protocol = new ChargeProtocol(journal, provider, TIMING, silentLogger())
    await protocol.start()
    open.push({ journal, protocol, cleanup: () => dir.cleanup() })
    return { journal, protocol, dir }
  }
  let n = 0
  const charge = (protocol: ChargeProtocol, reference = `pos-1:key-${++n}`) =>
    protocol.begin({
      reference,
      requestHash: 'h',
      device: 'pos:pos-1',
      maskedCode: '2847************23',
      wallet: 'alipay',
      authCode: '284712345678901223',
      amount: 1250,
      currency: 'CNY',
    })
  const decided = async (p: ReturnType<typeof charge>) => {
    const r = await p
    if (r.status === 'conflict') throw new Error('conflict')
    return r.decided
  }
  const steps = (journal: Journal) =>
    (
      journal.reader
        .prepare("SELECT type FROM events WHERE type LIKE 'payment.%' ORDER BY seq")
        .pluck()
        .all() as string[]
    ).map((t) => t.slice('payment.'.length))

  it('records a charge paid at once, written down before it was sent', async () => {
    const provider = new Scripted({ charge: [paid()] })
    const { journal, protocol } = await setUp(provider)
    const a = await decided(charge(protocol))
    expect(a).toMatchObject({ state: 'paid', transactionId: 'tx-1', amount: 1250 })
    expect(steps(journal)).toEqual(['started', 'paid'])
    expect(provider.calls).toEqual({ charge: 1, query: 0, cancel: 0 })
  })

  it('signs while the charge is written down, and sends it only once it is — a repeat never', async () => {
    let journal: Journal | null = null
    const seenAtSend: unknown[] = []
    let prepared = 0
    const provider = new Scripted({ charge: [paid()] })
    // Signing ahead: the send looks in the journal (another connection) for the charge it sends.
    provider.prepareCharge = (req) => {
      prepared++
      return () => {
        seenAtSend.push(
          journal!.reader.prepare('SELECT state FROM payment_attempts WHERE reference = ?').get(req.reference),
        )
        return provider.charge()
      }
    }
    ;({ journal } = await setUp(provider))
    const protocol = open.at(-1)!.protocol
    expect(await decided(charge(protocol, 'pos-1:signed-ahead'))).toMatchObject({ state: 'paid' })
    expect(seenAtSend).toEqual([{ state: 'charging' }])
    expect(await decided(charge(protocol, 'pos-1:signed-ahead'))).toMatchObject({ state: 'paid' })
    expect(prepared).toBe(2) // signed again for the repeat, but never sent
    expect(provider.calls.charge).toBe(1)
  })

  it('queries while the customer confirms on the phone, then records it paid', async () => {
    const provider = new Scripted({ charge: [pending], query: [pending, pending, paid(7)] })
    const { journal, protocol } = await setUp(provider)
    const a = await decided(charge(protocol))
    expect(a).toMatchObject({ state: 'paid', transactionId: 'tx-7', pending: true })
    expect(steps(journal)).toEqual(['started', 'pending', 'paid'])
    expect(provider.calls.query).toBe(3)
  })

  it('cancels a charge never confirmed in time, and refuses it only once the cancel is confirmed', async () => {
    const provider = new Scripted({
      charge: [pending],
      query: [pending],
      cancel: [
        { status: 'failed', detail: 'system busy' },
        { status: 'unknown', detail: 'timed out' },
        { status: 'cancelled', detail: 'reversed' },
      ],
    })
    const { journal, protocol } = await setUp(provider)
    const started = Date.now()
    const a = await decided(charge(protocol))
    expect(Date.now() - started).toBeGreaterThanOrEqual(TIMING.confirmWithinMs)
    expect(a).toMatchObject({ state: 'reversed', detail: 'reversed' })
    expect(steps(journal)).toEqual(['started', 'pending', 'reversing', 'reversed'])
    expect(provider.calls.cancel).toBe(3)
  })

  it('finds by the query a charge whose answer was lost, and charges the code once', async () => {
    for (const lost of [unknown, new Error('socket hang up')]) {
      const provider = new Scripted({ charge: [lost], query: [unknown, paid(3)] })
      const { journal, protocol } = await setUp(provider)
      expect(await decided(charge(protocol))).toMatchObject({ state: 'paid', transactionId: 'tx-3' })
      expect(provider.calls.charge).toBe(1)
      expect(steps(journal)).toEqual(['started', 'paid'])
    }
  })

  it('never takes an answer it cannot trust as paid: unknown until the query says so, or cancelled', async () => {
    // An adapter turns a reply whose signature fails into "unknown"; never found paid → cancelled.
    const provider = new Scripted({ charge: [{ status: 'unknown', detail: 'bad signature on the reply' }] })
    const { journal, protocol } = await setUp(provider)
    expect(await decided(charge(protocol))).toMatchObject({ state: 'reversed' })
    expect(steps(journal)).toEqual(['started', 'reversing', 'reversed'])
  })

  it('answers a repeat of the reference with the same charge, and refuses another request under it', async () => {
    const provider = new Scripted({ charge: [paid()] })
    const { protocol } = await setUp(provider)
    const first = await decided(charge(protocol, 'pos-1:same'))
    const again = await charge(protocol, 'pos-1:same')
    expect(again).toMatchObject({ status: 'repeat', attempt: { state: 'paid', seq: first.seq } })
    const other = await protocol.begin({
      ...{ reference: 'pos-1:same', requestHash: 'other', device: null },
      maskedCode: 'x',
      wallet: 'alipay',
      authCode: '284712345678901223',
      amount: 1,
      currency: 'CNY',
    })
    expect(other).toEqual({ status: 'conflict' })
    expect(provider.calls.charge).toBe(1)
  })

  it('resumes a charge in flight after a restart: queried, never charged again', async () => {
    const provider = new Scripted({ charge: [pending], query: [pending] })
    const first = await setUp(provider)
    const r = await charge(first.protocol, 'pos-1:in-flight')
    await first.protocol.stop() // the gateway goes down mid-protocol
    await first.journal.stop()
    open.splice(0)
    expect(r.status).not.toBe('conflict')
    const later = new Scripted({ charge: [paid()], query: [paid(9)] })
    const { journal, protocol } = await setUp(later, first.dir)
    await expect.poll(() => protocol.attempt('pos-1:in-flight')?.state, { timeout: 10_000 }).toBe('paid')
    expect(later.calls.charge).toBe(0)
    expect(provider.calls.charge + later.calls.charge).toBe(1)
    expect(steps(journal)).toEqual(['started', 'pending', 'paid'])
  })
})
