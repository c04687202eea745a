/**
 * The manager's day in Chromium, through real parts: today's chart moves after a scan at
 * a socat pty; a voucher redeemed there is looked up by typing its code; a slip cut off
 * mid-print is reprinted; a CSV export is downloaded and read back; campaigns, members and
 * the daily report; a staff member is kept off a manager's page. Screenshots of every page
 * at 1280×800 and 1920×1080 in both languages.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { hashPassword } from '../../gateway/auth/secrets.js'
import { requireProgram } from '../helpers/system.js'
import { launchChromium, screenshotEachLanguage, smallTargets } from '../helpers/browser.js'
import { seriousA11yViolations } from '../helpers/axe.js'
import { PtyPair } from '../helpers/socat.js'
import { serialScanner } from '../helpers/scanner-harness.js'
import { tempDir } from '../helpers/tmp.js'
import { waitFor } from '../helpers/wait.js'
import { startStoreGateway } from '../helpers/vouchers.js'

const ready = requireProgram('chromium', 'back office pages') && requireProgram('socat', 'back office pages')
const PASSWORD = 'correct horse battery'

describe.skipIf(!ready)('the back office pages in a browser', () => {
  const tmp = tempDir()
  let pty: PtyPair
  let g: Awaited<ReturnType<typeof startStoreGateway>>
  let browser: Browser
  let page: Page
  let code: string

  async function login(p: Page, user: string) {
    await p.goto(`${g.gateway.address}/admin/login?lang=en`)
    await p.fill('input[name=user]', user)
    await p.fill('input[name=password]', PASSWORD)
    await p.click('button[type=submit]')
    await p.waitForURL(/\/admin$/)
  }
  /** Every page is looked at in both languages at both sizes, and its targets are big enough. */
  async function shoot(name: string) {
    expect(await smallTargets(page, 44), name).toEqual([])
    expect(await seriousA11yViolations(page), name).toEqual([])
    await screenshotEachLanguage(page, `admin-${name}`, '.lang')
    await page.setViewportSize({ width: 1920, height: 1080 })
    await screenshotEachLanguage(page, `admin-${name}-1920`, '.lang')
    await page.setViewportSize({ width: 1280, height: 800 })
  }

  beforeAll(async () => {
    pty = new PtyPair(join(tmp.dir, 'scanner'), join(tmp.dir, 'scanner-host'))
    await pty.start()
    const hash = await hashPassword(PASSWORD)
    g = await startStoreGateway({
      admin: {
        users: [
          { id: 'mei', name: 'Manager Mei', role: 'manager', passwordHash: hash },
          { id: 'sam', name: 'Staff Sam', role: 'staff', passwordHash: hash },
        ],
      },
      devices: [serialScanner('till-scanner', pty.devicePath, {}, { name: 'Front till scanner' })],
      printers: [{ id: 'kiosk-printer', name: 'Kiosk printer', role: 'kiosk', transport: { type: 'simulator' } }],
      kiosk: { game: { prizes: [{ id: 'coffee', campaign: 12, stock: 40 }] } },
    })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', acceptDownloads: true })
    await login(page, 'mei')
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await g?.stop()
    await pty?.stop()
    tmp.cleanup()
  })

  it("moves today's chart after a scan at the till's scanner", async () => {
    await page.goto(`${g.gateway.address}/admin/trends?range=today`)
    await page.waitForSelector('body[data-ready="true"]')
    const before = Number(await page.getAttribute('body', 'data-scans'))
    const { code: issued } = await g.gateway.vouchers.issue({ campaignId: 12, channel: 'cli' })
    code = issued
    await pty.write(`${code}\r`) // redeemed at the till
    await waitFor(
      async () => Number(await page.getAttribute('body', 'data-scans')) > before,
      'the chart to count the scan',
      30_000,
    )
    expect(await page.textContent('#vouchers + .totals')).toContain('Used here: 1')
  }, 60_000)

  it('looks up the redeemed voucher by typing its code', async () => {
    await page.click('nav a[href="/admin/vouchers"]')
    await page.fill('input[name=q]', code)
    await page.press('input[name=q]', 'Enter')
    await page.waitForSelector('.life')
    const text = await page.textContent('.life')
    expect(text).toContain('Already used')
    expect(text).toContain('Used at Store shop-a')
    expect(text).toContain('Front till scanner')
    await shoot('voucher')
  })

  it('reprints a slip cut off mid-print', async () => {
    const sim = g.gateway.print.simulators.get('kiosk-printer')!
    sim.once('receipt', () => (sim.statusMode = 'silent'))
    const memberId = (
      await g.gateway.members.enrol({ phone: '13800138000', consents: { membership: true }, channel: 'kiosk' })
    ).memberId
    await g.gateway.kiosk.play({ playId: 'browser-play-1', kiosk: null, member: memberId })
    await waitFor(
      () => g.gateway.kiosk.getPlay('browser-play-1').print.state === 'interrupted',
      'the slip cut off',
      30_000,
    )
    sim.statusMode = 'normal'
    await page.click('nav a[href="/admin/print"]')
    expect(await page.textContent('main')).toContain('Cut off — check the slip')
    await shoot('print-interrupted')
    await page.click('tr:has(.job.interrupted) button:text("Reprint")')
    await page.waitForSelector('.notice:text("Sent to the printer again")')
    await waitFor(() => sim.receipts.length >= 2, 'the reprint on paper', 30_000)
  }, 60_000)

  it('downloads a CSV export that reads back', async () => {
    await page.click('nav a[href="/admin/export"]')
    await shoot('export')
    const download = page.waitForEvent('download')
    await page.click('button[formaction="/admin/export/redemptions.csv"]')
    const file = await (await download).path()
    const bytes = readFileSync(file)
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const lines = bytes.toString('utf8').slice(1).trim().split('\r\n')
    expect(lines[0]).toBe('Time,Voucher number,Offer,Store,Device,Cashier,Voided at,Voided by')
    expect(lines[1]).toContain('20 off at Shop B,Store shop-a,Front till scanner')
  }, 60_000)

  it('shows campaigns, members and the daily report', async () => {
    await page.click('nav a[href="/admin/campaigns"]')
    expect(await page.textContent('main')).toContain('20 off at Shop B')
    await shoot('campaigns')
    await page.click('nav a[href="/admin/members"]')
    await page.fill('input[name=phone]', '138 0013 8000')
    await page.press('input[name=phone]', 'Enter')
    await page.waitForSelector('.member')
    expect(await page.textContent('.member h2')).toBe('+86 138****8000')
    await shoot('members')
    await page.goto(`${g.gateway.address}/admin/report`)
    expect(await page.textContent('.report')).toContain('Printed by Manager Mei')
    await shoot('report')
  }, 120_000)

  it("keeps a staff member off a manager's page", async () => {
    const staff = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' })
    await login(staff, 'sam')
    expect(await staff.locator('nav a').allTextContents()).toEqual(['Overview', 'Vouchers', 'Printing'])
    const res = await staff.goto(`${g.gateway.address}/admin/members`)
    expect(res?.status()).toBe(403)
    expect(await staff.textContent('main')).toContain('This page is for managers')
    await screenshotEachLanguage(staff, 'admin-staff-forbidden', '.lang')
    await staff.close()
  })
})
