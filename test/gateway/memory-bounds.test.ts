/**
 * Every in-memory structure that grows with traffic has a bound (issue #22): a store box
 * runs for months, so a cache, a limiter's keys, sessions or a simulator's receipts that
 * grow with each customer are an OOM kill waiting for a busy day.
 */
import { connect } from 'node:net'
import { request } from 'node:http'
import { describe, expect, it } from 'vitest'
import { generateKeyPair } from '../../gateway/vouchers/keys.js'
import { SignatureCache } from '../../gateway/vouchers/verify.js'
import { hourFromMs, parseVoucherCode, signVoucher } from '../../gateway/vouchers/voucher-code.js'
import { decodeBase45, encodeBase45 } from '../../gateway/vouchers/base45.js'
import { RateLimiter } from '../../gateway/auth/rate-limiter.js'
import { CashierSessions } from '../../gateway/till/cashier-sessions.js'
import { hashPin } from '../../gateway/auth/secrets.js'
import { TRANSLATIONS_KEPT, hasMessage, t, translationsKept } from '../../gateway/i18n/messages.js'
import { SANDBOX_REMEMBERS, SandboxProvider } from '../../gateway/payments/sandbox-provider.js'
import { RECEIPTS_KEPT, VirtualPrinter } from '../../drivers/printer/virtual-printer.js'
import { CASHIER_PIN, KIOSK_TOKEN, kioskCredential, startStoreGateway } from '../helpers/vouchers.js'
import { waitFor } from '../helpers/wait.js'

describe('memory that grows with traffic is bounded', () => {
  it('the signature cache never exceeds its cap under a flood of distinct forged codes', () => {
    const key = generateKeyPair()
    const issuer = { kid: 1, store: 's', merchant: 'm', publicKey: key.publicKey, publicKeyText: key.publicKeyText }
    const genuine = signVoucher(
      { kid: 1, campaign: 1, serial: 1, expiresHour: hourFromMs(Date.now()) + 24, memberTag: 0 },
      key.privateKey,
    )
    const bytes = decodeBase45(genuine.slice(4))
    const cache = new SignatureCache(256)
    for (let i = 0; i < 5000; i++) {
      const forged = Buffer.from(bytes)
      // The signature's last two bytes changed (XOR with i + 1, never 0): every code distinct, none genuine.
      forged.writeUInt16BE(bytes.readUInt16BE(bytes.length - 2) ^ (i + 1), forged.length - 2)
      expect(cache.verify(parseVoucherCode(`TS1:${encodeBase45(forged)}`), issuer, 1)).toBe(false)
      expect(cache.size).toBeLessThanOrEqual(256)
    }
    expect(cache.verify(parseVoucherCode(genuine), issuer, 1)).toBe(true)
  })

  it('a rate limiter forgets keys whose window has passed and never holds more than its cap', () => {
    const limiter = new RateLimiter(3, 60_000, 1000)
    for (let i = 0; i < 5000; i++) limiter.take(`phone-${i}`, i)
    expect(limiter.size).toBe(1000)
    // A minute on, one more guest: every key of the flood has left its window.
    expect(limiter.take('late', 70_000)).toEqual({ ok: true })
    expect(limiter.size).toBe(1)
    // Forgetting never lets a key past its limit inside the window.
    for (let i = 0; i < 3; i++) limiter.take('busy', 80_000 + i)
    expect(limiter.take('busy', 80_010)).toMatchObject({ ok: false })
  })

  it('translations are kept for reuse, never more than their bound, and stay right', () => {
    const one = t('en', 'game.playsLeft', { count: 1 })
    const two = t('en', 'game.playsLeft', { count: 2 })
    expect([one, two]).toEqual(['1 play left today', '2 plays left today'])
    // A flood of new vars (amounts) and of made-up keys (a refusal's reason from elsewhere).
    for (let i = 0; i < 3 * TRANSLATIONS_KEPT; i++) {
      t('zh', 'value.takeOff', { value: `¥${i}.00` })
      hasMessage(`till.reason.made-up-${i}.headline`)
    }
    expect(translationsKept()).toBeLessThanOrEqual(3 * TRANSLATIONS_KEPT)
    expect(t('zh', 'value.takeOff', { value: '¥7.00' })).toContain('¥7.00')
    expect(t('en', 'game.playsLeft', { count: 1 })).toBe(one)
    expect(hasMessage('till.reason.made-up-1.headline')).toBe(false)
    expect(hasMessage('till.reason.malformed.headline')).toBe(true)
  })

  it('the sandbox payment provider remembers only its latest charges', async () => {
    const sandbox = new SandboxProvider()
    const charge = (n: number) =>
      sandbox.charge({
        reference: `ref-${n}`,
        authCode: '134567890123456789',
        wallet: 'wechat',
        amount: 100,
        currency: 'CNY',
      })
    for (let n = 0; n < SANDBOX_REMEMBERS + 2000; n++) await charge(n)
    expect(sandbox.chargesKept).toBe(SANDBOX_REMEMBERS)
    expect((await sandbox.query({ wallet: 'wechat', reference: `ref-${SANDBOX_REMEMBERS + 1999}` })).status).toBe(
      'paid',
    )
    expect((await sandbox.query({ wallet: 'wechat', reference: 'ref-0' })).status).toBe('not_found')
  })

  it('cashier sessions nobody logged out of are forgotten', async () => {
    let now = 0
    const sessions = new CashierSessions(
      [{ id: 'amy', name: 'Amy', pinHash: await hashPin('2468') }],
      8 * 3_600_000,
      () => now,
    )
    for (let shift = 0; shift < 30; shift++) {
      await sessions.login('2468', `10.0.0.${shift}`, null)
      now += 9 * 3_600_000
    }
    expect(sessions.size).toBe(1)
  })

  it('the simulated printer keeps only its latest receipts', async () => {
    const printer = new VirtualPrinter()
    const port = await printer.listenTcp(0)
    const slips = RECEIPTS_KEPT + 50
    let seen = 0
    printer.on('receipt', () => seen++)
    const socket = connect(port, '127.0.0.1')
    for (let i = 0; i < slips; i++)
      socket.write(Buffer.concat([Buffer.from(`\x1b@slip ${i}\n`, 'latin1'), Buffer.from([0x1d, 0x56, 0x00])]))
    await waitFor(() => seen === slips, 'every slip printed', 20_000)
    socket.destroy()
    await printer.close()
    expect(printer.receipts).toHaveLength(RECEIPTS_KEPT)
    expect(printer.receipts.at(-1)!.items).toContainEqual(
      expect.objectContaining({ type: 'text', text: `slip ${slips - 1}` }),
    )
  })

  it('till and kiosk screens that come and go leave no listeners behind', async () => {
    const { gateway, app, stop } = await startStoreGateway({
      devices: [
        { id: 'till-1', kind: 'scanner', role: 'till', transport: { type: 'simulator' } },
        { id: 'kiosk-1', kind: 'scanner', role: 'kiosk', transport: { type: 'simulator' } },
      ],
      kiosk: { credentials: [kioskCredential('front', 'kiosk-1')] },
    })
    try {
      const login = await fetch(`${gateway.address}/api/till/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pin: CASHIER_PIN }),
      })
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!
      const open = (path: string, headers: Record<string, string>) =>
        new Promise<() => void>((resolve, reject) => {
          const req = request(`${gateway.address}${path}`, { headers, agent: false }, (res) =>
            res.once('data', () => resolve(() => req.destroy())),
          )
          req.on('error', reject).end()
        })
      for (let round = 0; round < 20; round++) {
        const closers = await Promise.all([
          open('/api/till/events', { cookie }),
          open('/api/kiosk/scans', { 'x-kiosk-token': KIOSK_TOKEN }),
        ])
        expect(app.services.till.subscribers).toBeGreaterThanOrEqual(1)
        for (const close of closers) close()
      }
      await waitFor(
        () => app.services.till.subscribers === 0 && app.services.kiosk.scans.subscribers === 0,
        'the streams unsubscribed',
        20_000,
      )
    } finally {
      await stop()
    }
  })
})
