/**
 * The manager in Chromium: logs in, sees the store's devices on the overview, sees a
 * printer run out of paper there within a second with what to do, switches to Chinese
 * (it sticks), and sees the page say so when the gateway is gone. Screenshots at
 * 1280×800 and 1920×1080 in both languages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { hashPassword } from '../../gateway/auth/secrets.js'
import { requireProgram } from '../helpers/system.js'
import { launchChromium, screenshotEachLanguage, smallTargets } from '../helpers/browser.js'
import { seriousA11yViolations } from '../helpers/axe.js'
import { startStoreGateway } from '../helpers/vouchers.js'

const ready = requireProgram('chromium', 'back office')
const PASSWORD = 'correct horse battery'

describe.skipIf(!ready)('the back office in a browser', () => {
  let g: Awaited<ReturnType<typeof startStoreGateway>>
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    g = await startStoreGateway({
      dev: true,
      admin: {
        users: [{ id: 'mei', name: 'Manager Mei', role: 'manager', passwordHash: await hashPassword(PASSWORD) }],
      },
      devices: [
        { id: 'till-scanner', name: 'Till scanner', kind: 'scanner', role: 'till', transport: { type: 'simulator' } },
      ],
      printers: [{ id: 'kiosk-printer', role: 'kiosk', transport: { type: 'simulator' }, pollMs: 200 }],
    })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' })
  }, 30_000)
  afterAll(async () => {
    await browser?.close()
    await g?.stop()
  })

  it('logs in and shows every device live', async () => {
    await page.goto(`${g.gateway.address}/`)
    await page.waitForURL(/\/admin\/login\?next=%2Fadmin$/)
    await screenshotEachLanguage(page, 'admin-login', '.lang')
    expect(await smallTargets(page, 44)).toEqual([])
    await page.fill('input[name=user]', 'mei')
    await page.fill('input[name=password]', 'wrong password!')
    await page.click('button[type=submit]')
    await page.waitForSelector('.error:text("Wrong user name or password")')
    await page.fill('input[name=password]', PASSWORD)
    await page.click('button[type=submit]')
    await page.waitForURL(/\/admin$/)
    await page.waitForSelector('#live[data-state="open"]')
    const text = await page.textContent('main')
    expect(text).toContain('Everything is working')
    expect(text).toContain('Scanner Till scanner Working')
    expect(text).toContain('Printer kiosk-printer Working')
    expect(await seriousA11yViolations(page)).toEqual([])
    expect(await smallTargets(page, 44)).toEqual([])
    await screenshotEachLanguage(page, 'admin-overview', '.lang')
  })

  it('shows a printer out of paper within a second, with what to do', async () => {
    const sim = g.gateway.print.simulators.get('kiosk-printer')!
    sim.condition.paperOut = true
    const started = Date.now()
    await page.waitForSelector('.alarm.paper_out', { timeout: 10_000 })
    // The printer's own poll (200 ms) plus the push: well under a second on a quiet machine.
    expect(Date.now() - started).toBeLessThan(5000)
    expect(await page.textContent('.alarm.paper_out')).toContain('kiosk-printer is out of paper')
    expect(await page.textContent('.alarm.paper_out')).toContain('Put in a new roll')
    await screenshotEachLanguage(page, 'admin-overview-paper-out', '.lang')
    await page.setViewportSize({ width: 1920, height: 1080 })
    await screenshotEachLanguage(page, 'admin-overview-paper-out-1920', '.lang')
    await page.setViewportSize({ width: 1280, height: 800 })
    sim.condition.paperOut = false
    await page.waitForSelector('.all-well', { timeout: 10_000 })
  })

  it('keeps the language a manager picks', async () => {
    await page.click('.lang')
    await page.waitForSelector('html[lang="zh-CN"]')
    await page.goto(`${g.gateway.address}/admin`)
    await page.waitForSelector('#live[data-state="open"]')
    expect(await page.textContent('h1')).toContain('概览')
    expect(await page.textContent('main')).toContain('一切正常')
    await page.click('.lang')
    await page.waitForSelector('html[lang="en"]')
  })

  it('draws today and the trends as charts, with the funnel from the Wi-Fi to the till', async () => {
    const errors: string[] = []
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text())
    })
    for (const code of ['4006381333931', '9780201379624']) await g.gateway.devices.simulateScan('till-scanner', code)
    const { code } = await g.gateway.vouchers.issue({ campaignId: 12, channel: 'cli' })
    await g.gateway.devices.simulateScan('till-scanner', code)
    await page.goto(`${g.gateway.address}/admin/trends?range=today&lang=en`)
    await page.waitForSelector('body[data-ready="true"]')
    expect(await page.locator('.plot canvas').count()).toBeGreaterThanOrEqual(3)
    const steps = await page.locator('#funnel li').allTextContents()
    expect(steps[3]).toMatch(/^Won a voucher\s*1/)
    expect(steps[4]).toMatch(/^Used a voucher here\s*1\s*100% of the step before$/)
    expect(await page.textContent('#vouchers + .totals')).toContain('Used here: 1')
    // The pipe: the voucher came from this store, named, with its worth.
    await page.waitForSelector('#pipe tr td')
    expect(await page.locator('#pipe tr').first().textContent()).toBe('Store shop-a (this store)20 off at Shop B120.00')
    // The departures need the cloud; this store has no sync, so the page says when they would come.
    expect(await page.textContent('#departures-at')).toContain('The cloud has not sent these figures yet')
    expect(await page.locator('#funnel li').count()).toBe(5) // no "used at partner stores" without a count
    expect(errors).toEqual([])
    expect(await smallTargets(page, 44)).toEqual([])
    await screenshotEachLanguage(page, 'admin-trends-today', '.lang')
    await page.setViewportSize({ width: 1920, height: 1080 })
    await page.click('.tabs a[href$="range=30"]')
    await page.waitForSelector('body[data-ready="true"]')
    await screenshotEachLanguage(page, 'admin-trends-30d-1920', '.lang')
    await page.setViewportSize({ width: 1280, height: 800 })
    expect(errors).toEqual([])
  })
})
