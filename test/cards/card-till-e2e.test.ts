/**
 * The card at the till, through real parts: a member QR read from a real pty scanner, the
 * cashier screen in Chromium tops the card up with a (sandbox) wallet code scanned next,
 * pays from it, refunds the payment with the PIN, and refuses a payment the card cannot
 * cover — with screenshots in each language at the till's size.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { Gateway } from '../../gateway/runtime/gateway.js'
import { silentLogger } from '../../gateway/log.js'
import { requireProgram } from '../helpers/system.js'
import { PtyPair } from '../helpers/socat.js'
import { tempDir } from '../helpers/tmp.js'
import { launchChromium, screenshot, screenshotEachLanguage, smallTargets } from '../helpers/browser.js'
import { seriousA11yViolations } from '../helpers/axe.js'
import { serialScanner } from '../helpers/scanner-harness.js'
import { CASHIER_PIN, makeChain } from '../helpers/vouchers.js'

const ready = requireProgram('socat', 'card at the till') && requireProgram('chromium', 'card at the till')
const WALLET_CODE = '284761234567890123' // the sandbox pays it (Alipay's range)

describe.skipIf(!ready)('the member card at the till: pty scanner → Chromium', () => {
  let tmp: ReturnType<typeof tempDir>
  let pty: PtyPair
  let gateway: Gateway
  let browser: Browser
  let page: Page
  let member: string

  const press = async (keypad: string, keys: string[]) => {
    for (const k of keys) await page.click(`${keypad} button[data-key="${k}"]`)
  }
  const scan = (text: string) => pty.write(`${text}\r`)

  beforeAll(async () => {
    tmp = tempDir()
    const chain = await makeChain(tmp.dir, [{ id: 'shop-a', merchant: 'm-a' }], undefined, {
      // Long enough for the sandbox's confirm-on-the-phone (paid at the second query, ~4 s).
      payments: { provider: 'sandbox', confirmWithinMs: 8_000 },
      store: { id: 'shop-a', name: 'Corner Tea', merchant: 'm-a', languages: ['zh', 'en'] },
      cards: { bonuses: [{ from: 10_000, bonus: 2_000 }] },
    })
    pty = new PtyPair(join(tmp.dir, 'scanner'), join(tmp.dir, 'scanner-host'))
    await pty.start()
    pty.listen()
    const config = chain.stores.get('shop-a')!.config
    gateway = await Gateway.open({
      config: { ...config, devices: [serialScanner('till-scanner', pty.devicePath)] },
      log: silentLogger(),
    })
    await gateway.start()
    member = (await gateway.members.enrol({ phone: '13900001111', consents: { membership: true }, channel: 'pos' }))
      .memberId
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' })
    await page.goto(`${gateway.address}/till`)
    await press('#login-keypad', [...CASHIER_PIN, 'ok'])
    await page.waitForSelector('#link[data-state="open"]')
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await gateway?.stop()
    await pty?.stop()
    tmp?.cleanup()
  })

  it('shows the card when the member QR is scanned', async () => {
    await scan(gateway.members.currentCode(member))
    await page.locator('#card-balance', { hasText: 'Balance ¥0.00' }).waitFor({ timeout: 15_000 })
    expect(await page.isDisabled('#card-pay')).toBe(true) // nothing to pay with yet
  })

  it('tops up ¥100 with a wallet code scanned next: ¥20 bonus apart, durable with its payment', async () => {
    await page.click('#card-topup')
    await press('#amount-keypad', ['1', '00', '00'])
    expect(await page.textContent('#amount-shown')).toBe('¥100.00')
    expect(await page.textContent('#amount-bonus')).toBe('+ ¥20.00 bonus from the store')
    await screenshot(page, 'till-card-topup-amount-en')
    await page.click('#amount-wallet')
    await page.locator('#amount-status', { hasText: "Scan the customer's payment code now" }).waitFor()
    await scan(WALLET_CODE)
    await page.locator('#card-done strong', { hasText: 'TOPPED UP ¥100.00' }).waitFor({ timeout: 15_000 })
    expect(await page.textContent('#card-done')).toContain('Balance now ¥120.00')
    expect(await page.textContent('#card-split')).toBe('Paid in ¥100.00 · bonus ¥20.00')
    await page.locator('#card-lines li', { hasText: 'Top-up' }).waitFor()
    await screenshotEachLanguage(page, 'till-card-topped-up', '#lang')
    expect(await seriousA11yViolations(page)).toEqual([])
    expect(await smallTargets(page, 44)).toEqual([])
    const db = gateway.journal.reader
    expect(db.prepare('SELECT kind, principal, bonus, method, cashier FROM card_ledger').all()).toEqual([
      { kind: 'topup', principal: 10_000, bonus: 2_000, method: 'alipay', cashier: 'ann' },
    ])
    expect(db.prepare("SELECT count(*) FROM events WHERE type = 'payment.paid'").pluck().get()).toBe(1)
    // The wallet code is money for a minute: nowhere in the journal whole, its scan masked.
    expect(db.prepare('SELECT count(*) FROM events WHERE payload LIKE ?').pluck().get(`%${WALLET_CODE}%`)).toBe(0)
    const scans = db.prepare("SELECT json_extract(payload, '$.data') FROM events WHERE type = 'scan'").pluck().all()
    expect(scans).toContain('2847************23')
  })

  it('pays ¥60 from the card, refuses what it cannot cover, and refunds with the PIN', async () => {
    await page.click('#card-pay')
    await press('#amount-keypad', ['6', '0', '00'])
    await page.click('#amount-confirm')
    await page.locator('#card-done strong', { hasText: 'PAID ¥60.00 FROM THE CARD' }).waitFor({ timeout: 15_000 })
    expect(await page.textContent('#card-done')).toContain('Balance now ¥60.00')
    await screenshotEachLanguage(page, 'till-card-paid', '#lang')

    await page.click('#card-pay')
    await press('#amount-keypad', ['9', '9', '00'])
    await page.click('#amount-confirm')
    await page.locator('#amount-status', { hasText: 'Not enough on the card — Balance ¥60.00' }).waitFor()
    await screenshot(page, 'till-card-insufficient-en')
    await page.click('#amount-dialog button[value="cancel"]')

    await page.click('#card-lines li:has-text("Payment") button')
    await press('#card-pin-keypad', ['0', '0', '0', '0', 'ok'])
    await page.locator('#card-pin-error', { hasText: 'Wrong PIN' }).waitFor()
    await press('#card-pin-keypad', [...CASHIER_PIN, 'ok'])
    await page.locator('#card-done strong', { hasText: '¥60.00 BACK ON THE CARD' }).waitFor({ timeout: 15_000 })
    expect(await page.textContent('#card-done')).toContain('Balance now ¥120.00')
    await screenshotEachLanguage(page, 'till-card-refunded', '#lang')
    expect(gateway.cards.ledgerMismatches()).toEqual([])
    expect(gateway.cards.summary(member)).toMatchObject({ principal: 10_000, bonus: 2_000 })
  })

  it('pays amount first: the member QR scanned next pays it in the same commit as the scan', async () => {
    await page.click('#card-close')
    await page.click('#card-pay-first')
    await press('#amount-keypad', ['2', '0', '00'])
    await page.click('#amount-confirm') // "Then scan the member's QR"
    await page.locator('#amount-status', { hasText: "Scan the member's QR now" }).waitFor()
    await screenshot(page, 'till-card-armed-en')
    await scan(gateway.members.currentCode(member))
    await page.locator('#card-done strong', { hasText: 'PAID ¥20.00 FROM THE CARD' }).waitFor({ timeout: 15_000 })
    expect(await page.textContent('#card-done')).toContain('Balance now ¥100.00')
    const db = gateway.journal.reader
    const [scanSeq, debitSeq] = ['scan', 'card.debited'].map(
      (type) => db.prepare('SELECT max(seq) FROM events WHERE type = ?').pluck().get(type) as number,
    )
    expect(debitSeq).toBe(scanSeq! + 1) // one batch, one fsync

    // More than the card holds: refused in words, nothing moved.
    await page.click('#card-close')
    await page.click('#card-pay-first')
    await press('#amount-keypad', ['5', '00', '00'])
    await page.click('#amount-confirm')
    await page.locator('#amount-status', { hasText: "Scan the member's QR now" }).waitFor()
    await scan(gateway.members.currentCode(member))
    await page
      .locator('#card-done[data-state="refused"]', { hasText: 'Not enough on the card' })
      .waitFor({ timeout: 15_000 })
    await screenshotEachLanguage(page, 'till-card-armed-refused', '#lang')
    expect(gateway.cards.summary(member).total).toBe(10_000)
  })

  it('says so while the customer confirms a wallet top-up on the phone, then tops up', async () => {
    await page.click('#card-close')
    await scan(gateway.members.currentCode(member))
    await page.locator('#card-balance', { hasText: 'Balance ¥100.00' }).waitFor({ timeout: 15_000 })
    await page.click('#card-topup')
    await press('#amount-keypad', ['1', '0', '00'])
    await page.click('#amount-wallet')
    await scan('284761234567891111') // the sandbox: the customer confirms on the phone (docs/payments.md)
    await page.locator('#amount-status', { hasText: 'The customer is confirming on their phone' }).waitFor()
    await screenshotEachLanguage(page, 'till-card-topup-confirming', '#lang', 'dispatch') // under the dialog
    await page.locator('#card-done strong', { hasText: 'TOPPED UP ¥10.00' }).waitFor({ timeout: 20_000 })
    const db = gateway.journal.reader
    const steps = db
      .prepare("SELECT type FROM events WHERE type LIKE 'payment.%' ORDER BY seq DESC LIMIT 3")
      .pluck()
      .all()
    expect(steps).toEqual(['payment.paid', 'payment.pending', 'payment.started'])
  })

  it('says so when the customer never confirms: cancelled, nothing charged or credited', async () => {
    const before = gateway.cards.summary(member).total
    await page.click('#card-topup')
    await press('#amount-keypad', ['5', '00'])
    await page.click('#amount-wallet')
    await scan('284761234567892222') // the sandbox: pending for ever (docs/payments.md)
    await page
      .locator('#amount-status[data-tone="error"]', { hasText: 'did not confirm on the phone in time' })
      .waitFor({ timeout: 40_000 })
    await screenshotEachLanguage(page, 'till-card-topup-not-confirmed', '#lang', 'dispatch') // under the dialog
    expect(gateway.cards.summary(member).total).toBe(before)
    const db = gateway.journal.reader
    const last = db.prepare("SELECT type FROM events WHERE type LIKE 'payment.%' ORDER BY seq DESC LIMIT 1").pluck()
    expect(last.get()).toBe('payment.reversed')
    await page.click('#amount-dialog button[value="cancel"]')
  }, 60_000)
})
