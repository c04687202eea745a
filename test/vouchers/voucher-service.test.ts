import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { Journal } from '../../gateway/store/journal.js'
import { silentLogger } from '../../gateway/log.js'
import { VoucherAuthority } from '../../gateway/vouchers/voucher-authority.js'
import { VoucherService, VoucherError } from '../../gateway/vouchers/voucher-service.js'
import { databasePath } from '../../gateway/runtime/gateway.js'
import { tempDir } from '../helpers/tmp.js'
import { campaign, makeChain, type TestChain } from '../helpers/vouchers.js'

describe('VoucherService (real journal, real keys, signed trust list)', () => {
  let tmp: ReturnType<typeof tempDir>
  let chain: TestChain
  const open: Journal[] = []
  async function service(storeId: string, voidWindowMs = 60_000) {
    const s = chain.stores.get(storeId)!
    const journal = new Journal(databasePath(s.config), silentLogger())
    await journal.start()
    open.push(journal)
    return {
      journal,
      vouchers: new VoucherService(
        VoucherAuthority.load(s.config, silentLogger()),
        journal,
        { voidWindowMs },
        silentLogger(),
      ),
    }
  }
  beforeEach(async () => {
    tmp = tempDir()
    chain = await makeChain(
      tmp.dir,
      [
        { id: 'shop-a', merchant: 'm-a' },
        { id: 'shop-b', merchant: 'm-b' },
        { id: 'shop-c', merchant: 'm-c' },
      ],
      [campaign(), campaign({ id: 13, uses: 2, maxPerMember: 1 }), campaign({ id: 14, onlineCheckAbove: 1000 })],
    )
  })
  afterEach(async () => {
    for (const j of open.splice(0)) await j.stop()
    tmp.cleanup()
  })

  it('issues at shop A, redeems once at shop B offline, refuses the second time with when and where', async () => {
    const a = await service('shop-a')
    const b = await service('shop-b')
    const issued = await a.vouchers.issue({ campaignId: 12, memberId: 'mem-1', channel: 'cli' })
    expect(issued.code).toMatch(/^TS1:[0-9A-Z $%*+\-./:]{116}$/)
    expect(issued.key).toBe('1:12:1')
    const ctx = { device: 'till-scanner', cashier: 'ann', source: { test: true } }
    const first = await b.vouchers.redeem(issued.code, ctx)
    expect(first).toMatchObject({ ok: true, use: 1, maxUses: 1, voucher: { key: '1:12:1', issuerStore: 'shop-a' } })
    const second = await b.vouchers.redeem(issued.code, ctx)
    expect(second).toMatchObject({
      ok: false,
      reason: 'already_redeemed',
      previous: { store: 'shop-b', device: 'till-scanner', cashier: 'ann' },
    })
    // Another store by the name the trust list gives it (format 2), never its id.
    expect(a.vouchers.authority.storeName('shop-b')).toBe('Store shop-b')
    // The journal event, the redemption row and the outbox row exist together.
    const db = b.journal.reader
    const redeemed = db.prepare("SELECT seq FROM events WHERE type = 'voucher.redeemed'").all() as { seq: number }[]
    expect(redeemed).toHaveLength(1)
    expect(db.prepare('SELECT count(*) FROM outbox WHERE seq = ?').pluck().get(redeemed[0]!.seq)).toBe(1)
    expect(db.prepare('SELECT count(*) FROM redemptions WHERE event_seq = ?').pluck().get(redeemed[0]!.seq)).toBe(1)
    expect(db.prepare("SELECT count(*) FROM events WHERE type = 'voucher.rejected'").pluck().get()).toBe(1)
    // Issuing journaled at A, in the outbox too.
    expect(
      a.journal.reader
        .prepare("SELECT count(*) FROM events e JOIN outbox o USING (seq) WHERE e.type = 'voucher.issued'")
        .pluck()
        .get(),
    ).toBe(1)
  })

  it('refuses at a store the campaign does not name, and multi-use vouchers count uses', async () => {
    const a = await service('shop-a')
    const c = await service('shop-c')
    const v = await a.vouchers.issue({ campaignId: 13, memberId: 'mem-2', channel: 'kiosk' })
    expect(await c.vouchers.redeem(v.code, { device: null, cashier: null, source: {} })).toMatchObject({
      ok: false,
      reason: 'wrong_store',
    })
    const ctx = { device: null, cashier: null, source: {} }
    expect(await a.vouchers.redeem(v.code, ctx)).toMatchObject({ ok: true, use: 1, maxUses: 2 })
    expect(a.vouchers.validate(v.code)).toMatchObject({ ok: true, usesLeft: 1 })
    expect(await a.vouchers.redeem(v.code, ctx)).toMatchObject({ ok: true, use: 2 })
    expect(await a.vouchers.redeem(v.code, ctx)).toMatchObject({ ok: false, reason: 'already_redeemed' })
    await expect(a.vouchers.issue({ campaignId: 13, memberId: 'mem-2', channel: 'kiosk' })).rejects.toMatchObject({
      code: 'member_limit',
    })
  })

  it('voids within the window (the voucher can be used again) and refuses outside it or twice', async () => {
    const a = await service('shop-a')
    const v = await a.vouchers.issue({ campaignId: 12, channel: 'cli' })
    const r = await a.vouchers.redeem(v.code, { device: null, cashier: 'ann', source: {} })
    if (!r.ok) throw new Error('expected success')
    expect(await a.vouchers.void(r.redemptionId, 'ann', 'mistake', null)).toMatchObject({ ok: true })
    expect(await a.vouchers.void(r.redemptionId, 'ann', null, null)).toMatchObject({
      ok: false,
      reason: 'already_voided',
    })
    expect(await a.vouchers.void('01JUNKJUNKJUNKJUNKJUNKJUNK', 'ann', null, null)).toMatchObject({
      ok: false,
      reason: 'not_found',
    })
    const again = await a.vouchers.redeem(v.code, { device: null, cashier: 'ann', source: {} })
    expect(again.ok).toBe(true)
    const late = await service('shop-b', 0)
    const v2 = await a.vouchers.issue({ campaignId: 12, channel: 'cli' })
    const r2 = await late.vouchers.redeem(v2.code, { device: null, cashier: 'ann', source: {} })
    if (!r2.ok) throw new Error('expected success')
    await new Promise((res) => setTimeout(res, 5))
    expect(await late.vouchers.void(r2.redemptionId, 'ann', null, null)).toMatchObject({
      ok: false,
      reason: 'void_window_passed',
    })
    const types = late.journal.reader.prepare('SELECT type FROM events ORDER BY seq').pluck().all()
    expect(types).toEqual(['voucher.redeemed', 'voucher.void_refused'])
  })

  it('needs an online check above the threshold and says so offline', async () => {
    const a = await service('shop-a')
    const v = await a.vouchers.issue({ campaignId: 14, channel: 'cli' })
    expect(await a.vouchers.redeem(v.code, { device: null, cashier: null, source: {} })).toMatchObject({
      ok: false,
      reason: 'online_check_required',
    })
  })

  it('refuses to issue for unknown campaigns or before this gateway is enrolled', async () => {
    const a = await service('shop-a')
    await expect(a.vouchers.issue({ campaignId: 999, channel: 'cli' })).rejects.toBeInstanceOf(VoucherError)
    const stranger = { ...chain.stores.get('shop-a')!.config, dataDir: join(tmp.dir, 'stranger') }
    const journal = new Journal(databasePath(stranger), silentLogger())
    await journal.start()
    open.push(journal)
    const s = new VoucherService(
      VoucherAuthority.load(stranger, silentLogger()),
      journal,
      { voidWindowMs: 0 },
      silentLogger(),
    )
    await expect(s.issue({ campaignId: 12, channel: 'cli' })).rejects.toMatchObject({ code: 'not_enrolled' })
  })
})
