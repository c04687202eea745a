/** The card-debit and card-cancel wire formats, and the store's handling of the cloud's asks (a fake link). */
import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { silentLogger } from '../../gateway/log.js'
import { AskRunner } from '../../sync/ask-runner.js'
import { parseCardCancel, parseCardDebit, parseHomeCardDebit, parseRemoteCardMove } from '../../sync/card-contract.js'
import { ContractError, parseRpcResponse, topics } from '../../sync/contract.js'
import type { Link, PublishOptions } from '../../sync/link.js'

const debit = {
  memberId: '0123456789abcdef0123',
  memberCode: 'TM1:ABCDEFGH',
  amount: 1200,
  currency: 'CNY',
  key: 'k0123456789',
  reference: null,
  cashier: 'ann',
}

describe('card-debit contract', () => {
  it('takes a well-formed request and names the field of a bad one', () => {
    expect(parseCardDebit(debit)).toEqual(debit)
    expect(parseHomeCardDebit({ ...debit, from: 'shop-b' })).toEqual({ ...debit, from: 'shop-b' })
    const bad: [object, RegExp][] = [
      [{ ...debit, memberId: 'x' }, /memberId/],
      [{ ...debit, amount: 0.5 }, /amount/],
      [{ ...debit, amount: -1 }, /amount/],
      [{ ...debit, amount: 1e12 }, /amount/],
      [{ ...debit, amount: '12' }, /amount/],
      [{ ...debit, currency: 'yuan' }, /currency/],
      [{ ...debit, key: 'a b' }, /key/],
      [{ ...debit, reference: 'x'.repeat(65) }, /reference/],
      [{ ...debit, memberCode: 1 }, /memberCode/],
    ]
    for (const [body, field] of bad) expect(() => parseCardDebit(body)).toThrow(field)
    expect(() => parseHomeCardDebit({ ...debit, from: '../shop' })).toThrow(/from/)
    expect(() => parseCardCancel({ from: 'shop-b' })).toThrow(ContractError)
    expect(parseCardCancel({ from: 'shop-b', key: 'k0123456789' })).toEqual({ from: 'shop-b', key: 'k0123456789' })
  })

  it('reads a movement back only when every field is there', () => {
    const card = {
      memberId: debit.memberId,
      homeStore: 'shop-a',
      homeName: 'Harbour Road',
      entryId: 'e1',
      amount: 1200,
      principal: -1000,
      bonus: -200,
      balance: { principal: 9000, bonus: 1800 },
      currency: 'CNY',
      repeated: false,
    }
    expect(parseRemoteCardMove(card)).toEqual(card)
    expect(() => parseRemoteCardMove({ ...card, balance: null })).toThrow(/card movement/)
    const response = { v: 1, id: 'request-0001', status: 'ok', reason: null, detail: null, card }
    expect(parseRpcResponse(JSON.stringify(response)).card).toEqual(card)
  })
})

class FakeLink extends EventEmitter implements Link {
  readonly connected = true
  readonly protocolVersion = 5 as const
  readonly sent: { topic: string; payload: string; opts: PublishOptions }[] = []
  publish(topic: string, payload: string | Buffer, opts: PublishOptions): Promise<void> {
    this.sent.push({ topic, payload: payload.toString(), opts })
    return Promise.resolve()
  }
  reconnect(): void {}
}

const okAnswer = { status: 'ok' as const, reason: null, detail: null }
/** A runner whose card-debit handler counts its calls and checks the body as the gateway does. */
function runner() {
  const link = new FakeLink()
  const calls = { n: 0 }
  const handlers = { 'card-debit': (b: unknown) => (calls.n++, Promise.resolve(parseCardDebit(b) && okAnswer)) }
  return { link, calls, runner: new AskRunner('shop-a', link, handlers, silentLogger()) }
}

describe('the store answering the cloud’s asks', () => {
  const ask = (body: object, expiresAt: number | undefined, id = 'ask-00000001') => ({
    topic: topics.ask('shop-a', 'card-debit'),
    payload: Buffer.from(JSON.stringify({ v: 1, id, body, ...(expiresAt ? { expiresAt } : {}) })),
    correlationData: Buffer.from(`corr-${id}`),
  })

  it('answers once on its own answer topic, with the ask’s correlation data', async () => {
    const { link, calls, runner: r } = runner()
    await r.onMessage('card-debit', ask(debit, Date.now() + 5_000))
    expect(calls.n).toBe(1)
    expect(link.sent).toHaveLength(1)
    expect(link.sent[0]!.topic).toBe(topics.answer('shop-a'))
    expect(link.sent[0]!.opts.correlationData?.toString()).toBe('corr-ask-00000001')
    expect(JSON.parse(link.sent[0]!.payload)).toMatchObject({ id: 'ask-00000001', status: 'ok' })
  })

  it('never acts on an ask past its deadline or without one', async () => {
    const { link, calls, runner: r } = runner()
    await r.onMessage('card-debit', ask(debit, Date.now() - 1))
    await r.onMessage('card-debit', ask(debit, undefined))
    expect(calls.n).toBe(0)
    expect(link.sent).toHaveLength(0)
    expect(r.stats.expired).toBe(2)
  })

  it('answers a bad body or an unknown method with an error, not silence', async () => {
    const { link, runner: r } = runner()
    await r.onMessage('card-debit', ask({ amount: 'lots' }, Date.now() + 5_000))
    await r.onMessage('card-topup', ask(debit, Date.now() + 5_000, 'ask-00000002'))
    expect(link.sent.map((s) => JSON.parse(s.payload) as { reason: string })).toMatchObject([
      { status: 'error', reason: 'bad_request' },
      { status: 'error', reason: 'unknown_method' },
    ])
  })
})
