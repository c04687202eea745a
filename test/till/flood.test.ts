/**
 * A flood of till scans — forged, truncated, bit-flipped, replayed, garbage — through the
 * real pipeline and till: every voucher-looking scan gets its own outcome event with a
 * precise reason, exactly one is redeemed, nothing crashes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Gateway } from '../../gateway/runtime/gateway.js'
import type { TillResult } from '../../gateway/till/till-service.js'
import { startStoreGateway } from '../helpers/vouchers.js'

describe('a flood of bad and replayed voucher scans', () => {
  let gateway: Gateway
  let stop: () => Promise<void>
  beforeAll(async () => {
    ;({ gateway, stop } = await startStoreGateway({
      dev: true,
      devices: [{ id: 'sim', kind: 'scanner', role: 'till', transport: { type: 'simulator' } }],
    }))
  })
  afterAll(() => stop())

  it('answers every scan with its reason and journals each outcome', async () => {
    const good = (await gateway.vouchers.issue({ campaignId: 12, channel: 'cli' })).code
    const flip = (i: number) => good.slice(0, i) + (good[i] === '0' ? '1' : '0') + good.slice(i + 1)
    const scans: string[] = []
    for (let i = 0; i < 100; i++) scans.push(good) // replayed
    for (let i = 4; i < 120; i++) scans.push(flip(i)) // bit-flipped everywhere
    for (let i = 5; i < 119; i += 7) scans.push(good.slice(0, i)) // truncated
    for (let i = 0; i < 30; i++) scans.push(`TS1:${'Z'.repeat(i)}`) // garbage with our prefix
    const results: TillResult[] = []
    gateway.till.subscribe((r) => results.push(r))
    const answers = await Promise.all(scans.map((data) => gateway.devices.simulateScan('sim', data)))
    expect(answers.every((a) => a.ok)).toBe(true)
    await new Promise((r) => setTimeout(r, 200))
    expect(results).toHaveLength(scans.length)
    expect(results.filter((r) => r.ok)).toHaveLength(1)
    const reasons = new Set(results.filter((r) => !r.ok).map((r) => r.reason))
    expect(
      [...reasons].every((r) =>
        [
          'already_redeemed',
          'bad_signature',
          'malformed',
          'unknown_issuer',
          'unknown_campaign',
          'expired',
          'wrong_store',
          'not_yet_valid',
        ].includes(r!),
      ),
    ).toBe(true)
    expect(reasons.has('already_redeemed') && reasons.has('bad_signature') && reasons.has('malformed')).toBe(true)
    const db = gateway.journal.reader
    const count = (type: string) => db.prepare('SELECT count(*) FROM events WHERE type = ?').pluck().get(type)
    expect(count('scan')).toBe(scans.length)
    expect(count('voucher.redeemed')).toBe(1)
    expect(count('voucher.rejected')).toBe(scans.length - 1)
  }, 60_000)
})
