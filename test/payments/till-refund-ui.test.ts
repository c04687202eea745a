/**
 * Giving a wallet payment back at the till, in Chromium at the till's size: the POS's
 * payments listed by wallet, time and till, one found by its amount, part of it given back
 * with a manager's PIN (a cashier's is refused in words), and a refund the provider has
 * not answered shown as being given back until it is — screenshots in each language.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { hashPin, hashToken } from '../../gateway/auth/secrets.js'
import type { Gateway } from '../../gateway/runtime/gateway.js'
import type { SandboxProvider } from '../../gateway/payments/sandbox-provider.js'
import { requireProgram } from '../helpers/system.js'
import { launchChromium, screenshotEachLanguage, smallTargets } from '../helpers/browser.js'
import { seriousA11yViolations } from '../helpers/axe.js'
import { posCharges } from '../helpers/payments.js'
import { CASHIER_PIN, POS_TOKEN, startStoreGateway } from '../helpers/vouchers.js'

const ready = requireProgram('chromium', 'wallet refunds at the till')
const MANAGER_PIN = '97531'
const WALLET = '2847612345678' // + 5 digits: the sandbox's scenario is the last four

describe.skipIf(!ready)('wallet refunds on the till screen (Chromium)', () => {
  let gateway: Gateway
  let stop: () => Promise<void>
  let browser: Browser
  let page: Page
  const { charge } = posCharges(() => gateway.app, 'till-refund-ui')
  const press = async (keypad: string, keys: string[]) => {
    for (const k of keys) await page.click(`${keypad} button[data-key="${k}"]`)
  }

  beforeAll(async () => {
    ;({ gateway, stop } = await startStoreGateway({
      payments: { provider: 'sandbox', queryEveryMs: 100, answerWithinMs: 300 },
      store: { id: 'shop-a', name: 'Corner Tea', merchant: 'm-a', languages: ['zh', 'en'] },
      till: {
        cashiers: [
          { id: 'ann', name: 'Ann', pinHash: await hashPin(CASHIER_PIN) },
          { id: 'mo', name: 'Mo', role: 'manager', pinHash: await hashPin(MANAGER_PIN) },
        ],
        posTokens: [{ name: 'front', tokenHash: hashToken(POS_TOKEN) }],
      },
    }))
    for (const [key, amount, code] of [
      ['sale-0001', 1_250, `${WALLET}00001`],
      ['sale-0002', 3_000, `${WALLET}00002`],
      ['sale-0003', 880, '134567890123456789'], // WeChat Pay
    ] as const)
      expect((await charge(code, key, amount)).json()).toMatchObject({ status: 'paid' })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' })
    await page.goto(`${gateway.address}/till`)
    await press('#login-keypad', [...CASHIER_PIN, 'ok'])
    await page.waitForSelector('#link[data-state="open"]')
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await stop?.()
  })

  it("lists the POS's mobile payments by wallet, time and till, and finds one by amount", async () => {
    await page.click('#refund-open')
    await page.locator('#refund-list li').nth(2).waitFor()
    const rows = await page.locator('#refund-list li').allTextContents()
    expect(rows[0]).toMatch(/WeChat Pay.*till front.*¥8\.80/)
    expect(rows[2]).toMatch(/Alipay.*2847\*+01.*¥12\.50/)
    await screenshotEachLanguage(page, 'till-refund-list', '#lang', 'dispatch')
    expect(await seriousA11yViolations(page)).toEqual([])
    expect(await smallTargets(page, 44)).toEqual([])
    await page.fill('#refund-find', '12.50')
    await page.click('#refund-find-go')
    await page.locator('#refund-list li').nth(1).waitFor({ state: 'detached' })
    expect(await page.locator('#refund-list li').allTextContents()).toEqual([expect.stringContaining('¥12.50')])
    await page.fill('#refund-find', '9.99')
    await page.click('#refund-find-go')
    await page.locator('#refund-none', { hasText: 'No mobile payment matches' }).waitFor()
  })

  it("gives back part of one with a manager's PIN, refusing a cashier's in words", async () => {
    await page.fill('#refund-find', '12.50')
    await page.click('#refund-find-go')
    await page.locator('#refund-list li', { hasText: '¥12.50' }).locator('button').click()
    expect(await page.textContent('#refund-shown')).toBe('¥12.50')
    expect(await page.textContent('#refund-of')).toBe('Paid ¥12.50 · ¥12.50 can still be given back')
    await press('#refund-keypad', ['5', '00']) // the first key replaces the whole that was offered
    expect(await page.textContent('#refund-next')).toBe("Give back ¥5.00 — manager's PIN")
    await screenshotEachLanguage(page, 'till-refund-amount', '#lang', 'dispatch')
    expect(await smallTargets(page, 44)).toEqual([])
    await page.click('#refund-next')
    await press('#refund-pin-keypad', [...CASHIER_PIN, 'ok'])
    await page.locator('#refund-error', { hasText: "Not a manager's PIN" }).waitFor()
    await press('#refund-pin-keypad', [...MANAGER_PIN, 'ok'])
    await page
      .locator('#refund-result[data-state="refunded"]', { hasText: 'Given back ¥5.00 to Alipay' })
      .waitFor({ timeout: 15_000 })
    await page.locator('#refund-list li', { hasText: '¥5.00 given back' }).waitFor()
    await screenshotEachLanguage(page, 'till-refund-done', '#lang', 'dispatch')
    const given = gateway.journal.reader
      .prepare("SELECT json_extract(payload, '$.amount') FROM events WHERE type = 'payment.refunded'")
      .pluck()
      .all()
    expect(given).toEqual([500])
  })

  it('says a refund the provider has not answered is being given back, and shows when it is', async () => {
    const sandbox = gateway.pos.provider as SandboxProvider
    sandbox.online = false
    await page.fill('#refund-find', '30')
    await page.click('#refund-find-go')
    await page.locator('#refund-list li', { hasText: '¥30.00' }).locator('button').click()
    await page.click('#refund-next')
    await press('#refund-pin-keypad', [...MANAGER_PIN, 'ok'])
    await page
      .locator('#refund-result[data-state="pending"]', { hasText: 'Alipay has not answered yet' })
      .waitFor({ timeout: 15_000 })
    expect(await page.textContent('#refund-result')).toContain('Do not give cash')
    await page.locator('#refund-list li', { hasText: '¥30.00 being given back' }).waitFor()
    expect(await page.isDisabled('#refund-list li button')).toBe(true) // nothing left to give back
    await screenshotEachLanguage(page, 'till-refund-pending', '#lang', 'dispatch')
    sandbox.online = true
    await page.locator('#refund-list li', { hasText: '¥30.00 given back' }).waitFor({ timeout: 20_000 })
  })
})
