/** The cashier screen's "last 20" come back after a gateway restart, rebuilt from the journal. */
import { afterAll, describe, expect, it } from 'vitest'
import { Gateway } from '../../gateway/runtime/gateway.js'
import { silentLogger } from '../../gateway/log.js'
import { tempDir } from '../helpers/tmp.js'
import { makeChain } from '../helpers/vouchers.js'

describe('till history across a restart', () => {
  const tmp = tempDir()
  afterAll(() => tmp.cleanup())

  it('shows the same voucher outcomes, voids included, newest first', async () => {
    const chain = await makeChain(tmp.dir, [{ id: 'shop-a', merchant: 'm-a' }])
    const config = chain.stores.get('shop-a')!.config
    let gateway = await Gateway.open({ config, log: silentLogger() })
    await gateway.start()
    const ctx = { device: 'pos:x', cashier: 'ann', source: {} }
    const codes = [] as string[]
    for (let i = 0; i < 25; i++) codes.push((await gateway.vouchers.issue({ campaignId: 12, channel: 'cli' })).code)
    for (const code of codes) await gateway.vouchers.redeem(code, ctx)
    const again = await gateway.vouchers.redeem(codes[0]!, ctx)
    const last = await gateway.vouchers.redeem(codes[24]!.slice(0, 50), ctx)
    const firstValid = await gateway.vouchers.redeem(
      (await gateway.vouchers.issue({ campaignId: 12, channel: 'cli' })).code,
      ctx,
    )
    if (!firstValid.ok) throw new Error('expected a redemption')
    await gateway.vouchers.void(firstValid.redemptionId, 'ann', null, null)
    await gateway.stop()

    gateway = await Gateway.open({ config, log: silentLogger() })
    await gateway.start()
    const history = gateway.till.history()
    await gateway.stop()
    expect(history).toHaveLength(20)
    expect(history[0]).toMatchObject({
      ok: true,
      redemptionId: firstValid.redemptionId,
      voided: true,
      headline: { en: 'VALID' },
      handOver: { en: 'Take ¥20.00 off the bill' },
      cashier: 'ann',
      device: 'pos:x',
    })
    expect(history[1]).toMatchObject({ ok: false, reason: 'malformed', headline: { en: 'Unreadable code' } })
    expect(history[2]).toMatchObject({
      ok: false,
      reason: 'already_redeemed',
      previous: { store: 'shop-a' },
      seq: again.seq,
    })
    expect(history[3]).toMatchObject({ ok: true, voucher: { key: '1:12:25', name: { en: '20 off at Shop B' } } })
    expect(history.map((r) => r.seq)).toEqual([...history.map((r) => r.seq)].sort((a, b) => b - a))
    expect(last.ok).toBe(false)
  })
})
