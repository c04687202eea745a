/**
 * A phone-sized Chromium walks the portal: probe → portal (Chinese first, English on a
 * tap) → join with consent → welcome → the game on the phone → the prize → the voucher
 * page the cashier scans. Screenshots of each screen go to test-artifacts/screenshots.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { Gateway } from '../../gateway/runtime/gateway.js'
import { silentLogger } from '../../gateway/log.js'
import { requireProgram } from '../helpers/system.js'
import { tempDir } from '../helpers/tmp.js'
import { campaign, makeChain } from '../helpers/vouchers.js'
import { qrSvg } from '../../gateway/kiosk/qr-svg.js'
import { launchChromium, screenshot, screenshotEachLanguage, smallTargets } from '../helpers/browser.js'
import { seriousA11yViolations } from '../helpers/axe.js'

const ready = requireProgram('chromium', 'portal pages')

describe.skipIf(!ready)('portal pages on a phone', () => {
  const tmp = tempDir()
  let gateway: Gateway
  let browser: Browser

  beforeAll(async () => {
    const chain = await makeChain(
      tmp.dir,
      [{ id: 'shop-a', merchant: 'm-a' }],
      [
        campaign(),
        campaign({
          id: 13,
          name: { en: 'A free coffee', zh: '免费咖啡一杯' },
          value: { item: { en: 'One coffee', zh: '咖啡一杯' } },
        }),
      ],
      {
        kiosk: { game: { playsPerMemberPerDay: 1, prizes: [], consolation: { campaign: 13, weight: 1 } } },
        messages: { quietHours: null },
        portal: {
          enabled: true,
          http: { host: '127.0.0.1', port: 0 },
          store: {
            address: { en: '8 Harbour Road', zh: '海港路 8 号' },
            hours: { en: 'Daily 9:00–21:00', zh: '每天 9:00–21:00' },
          },
        },
      },
    )
    gateway = await Gateway.open({ config: chain.stores.get('shop-a')!.config, log: silentLogger() })
    await gateway.start()
    browser = await launchChromium()
  }, 30_000)
  afterAll(async () => {
    await browser?.close()
    await gateway?.stop()
    tmp.cleanup()
  })

  it('walks from the probe to membership to a prize', async () => {
    const page = await (
      await browser.newContext({
        viewport: { width: 360, height: 740 },
        isMobile: true,
        hasTouch: true,
        locale: 'zh-CN',
        reducedMotion: 'reduce', // the prize wheel rests on the prize at once (its turn is tested in test/i18n)
      })
    ).newPage()
    // What a phone's captive sheet does: open the probe, follow the redirect.
    await page.goto(`${gateway.guestAddress}/hotspot-detect.html`)
    expect(new URL(page.url()).pathname).toBe('/portal')
    await expect.poll(() => page.locator('h1').textContent()).toBe('免费 Wi-Fi')
    await screenshotEachLanguage(page, 'portal-join', '.top a')
    expect(await smallTargets(page, 44)).toEqual([])
    expect(await seriousA11yViolations(page)).toEqual([])
    expect(await page.textContent('main')).not.toMatch(/[\u4e00-\u9fff][,;()!]/) // full-width punctuation in Chinese
    const switchBox = (await page.getByRole('link', { name: 'English' }).boundingBox())!
    expect(Math.min(switchBox.width, switchBox.height)).toBeGreaterThanOrEqual(44)
    await page.getByRole('link', { name: 'English' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Free Wi-Fi')
    // Without the consent box the gateway says why, in the page's language (not the browser's tooltip).
    await page.locator('input[name=phone]').fill('138 0013 8000')
    await page.getByRole('button', { name: 'Connect' }).click()
    await expect.poll(() => page.locator('.err').textContent()).toBe('Please tick the membership consent to go online')
    expect(await page.inputValue('input[name=phone]')).toBe('138 0013 8000') // nothing typed is lost
    await page.locator('input[name=membership]').check()
    await page.locator('input[name=followStore]').check()
    await screenshot(page, 'portal-join-filled-en')
    await page.getByRole('button', { name: 'Connect' }).click()
    await page.waitForURL(/\/portal\/welcome/)
    await expect.poll(() => page.locator('h1').textContent()).toContain("You're online")
    expect(await page.textContent('body')).toContain('8 Harbour Road')
    expect(await page.textContent('body')).toContain('You follow this store')
    await screenshotEachLanguage(page, 'portal-welcome', '.top a')
    expect(await smallTargets(page, 44)).toEqual([])
    await page.getByRole('button', { name: 'Play' }).click()
    await page.waitForURL(/\/portal\/prize\//)
    expect(await page.locator('.prize').textContent()).toBe('A free coffee')
    await screenshotEachLanguage(page, 'portal-prize', '.top a')
    expect(await smallTargets(page, 44)).toEqual([])
    await page.getByRole('link', { name: /show it to the cashier/ }).click()
    await page.waitForURL(/\/v\//)
    expect(await page.locator('img.qr').count()).toBe(1)
    await screenshotEachLanguage(page, 'portal-voucher', 'header a')
    expect(await smallTargets(page, 44)).toEqual([])
    expect(await seriousA11yViolations(page)).toEqual([])
    const code = decodeURIComponent(new URL(page.url()).pathname.slice(3))
    // Back on the welcome page: today's play is used, the voucher is listed.
    await page.goto(`${gateway.guestAddress}/portal/welcome?lang=en`)
    expect(await page.textContent('#game')).toContain('No plays left today')
    expect(await page.textContent('#vouchers')).toContain('A free coffee')
    expect(await page.locator('#vouchers .tag').count()).toBe(0)
    // Used at the till: the list says so, so nobody walks to the till with it again.
    expect(await gateway.vouchers.redeem(code, { device: null, cashier: 'ann', source: {} })).toMatchObject({
      ok: true,
    })
    await page.reload()
    expect(await page.textContent('#vouchers .tag')).toBe('Used')
    expect(await page.getAttribute('#vouchers li', 'class')).toBe('spent')
    await screenshotEachLanguage(page, 'portal-welcome-used', '.top a')
    expect(await smallTargets(page, 44)).toEqual([])
    expect(await seriousA11yViolations(page)).toEqual([])
    // The store writes to its followers: the welcome page says so, and the inbox opens on the Wi-Fi.
    const { messageId } = await gateway.messages.compose(
      {
        title: { en: 'Tea class on Saturday', zh: '周六茶艺课' },
        body: { en: '3 pm, free', zh: '下午三点，免费' },
        audience: 'followers',
      },
      'admin:test',
    )
    await expect.poll(() => gateway.messages.message(messageId)?.state).toBe('sent')
    await page.reload()
    expect(await page.textContent('#messages')).toContain('1 new message')
    await screenshotEachLanguage(page, 'portal-welcome-messages', '.top a')
    await page.getByRole('link', { name: 'Open my messages' }).click()
    await page.waitForURL(/\/m\//)
    expect(await page.textContent('.inbox')).toContain('Tea class on Saturday')
    await page.goto(`${gateway.guestAddress}/portal/welcome?lang=en`)
    // The rules, one tap from the game: every prize with its chance, and the draw's fingerprint.
    await page.getByRole('link', { name: 'Rules' }).click()
    await page.waitForURL(/\/portal\/rules/)
    const rows = await page.locator('.rules tr').allTextContents()
    expect(rows.length).toBe(1 + gateway.kiosk.rules().prizes.length)
    expect(await page.textContent('main')).toMatch(/Today's seed fingerprint\s*[0-9a-f]{64}/)
    await screenshotEachLanguage(page, 'portal-rules', '.top a')
    expect(await smallTargets(page, 44)).toEqual([])

    // The member card on the phone: balance, statement, and the live member QR to show at the till.
    await page.setViewportSize({ width: 390, height: 844 })
    await page.goto(`${gateway.guestAddress}/portal/welcome?lang=en`)
    expect(await page.textContent('#member-card')).toContain('Balance ¥0.00')
    const member = gateway.members.findByPhone('138 0013 8000')!
    const pos = { key: 'pos:test', cashier: null, device: 'pos:test' }
    await gateway.cards.topUp(pos, {
      idempotencyKey: 'phone-card-1',
      memberId: member,
      amount: 5_000,
      payment: { method: 'cash' },
    })
    await page.getByRole('link', { name: 'My member card and QR' }).click()
    await page.waitForURL(/\/portal\/card/)
    expect(await page.textContent('main')).toContain('Balance ¥50.00')
    expect(await page.textContent('main')).toMatch(/Top-up.*¥50\.00/s)
    const shown = await page.locator('.qr svg path').getAttribute('d')
    const now = Date.now()
    const live = [now - 30_000, now].map(
      (t) => /d="([^"]+)"/.exec(qrSvg(gateway.members.currentCode(member, t), { level: 'M' }))![1],
    )
    expect(live).toContain(shown) // the code the till would accept now, not a stored one
    await screenshotEachLanguage(page, 'portal-card', '.top a')
    expect(await smallTargets(page, 44)).toEqual([])
    expect(await seriousA11yViolations(page)).toEqual([])

    // "Forget me": refused while the card holds money, then done; the welcome page asks to join again.
    await page.getByRole('link', { name: 'Forget me: delete my membership' }).click()
    await page.waitForURL(/\/portal\/forget/)
    await page.check('input[name=confirm]')
    await page.click('button[type=submit]')
    await expect.poll(() => page.textContent('.err')).toContain('Your card still holds money')
    await screenshotEachLanguage(page, 'portal-forget', '.top a')
    expect(await smallTargets(page, 44)).toEqual([])
    await gateway.cards.debit(pos, { idempotencyKey: 'phone-card-2', memberId: member, amount: 5_000 })
    await page.check('input[name=confirm]')
    await page.click('button[type=submit]')
    await expect.poll(() => page.textContent('h1')).toBe('You have been forgotten')
    expect(gateway.members.findByPhone('138 0013 8000')).toBeNull()
    await page.goto(`${gateway.guestAddress}/portal/welcome?lang=en`)
    expect(new URL(page.url()).pathname).toBe('/portal')
  }, 60_000)
})
