/**
 * The closed pipe's kiosk end, through real parts: the kiosk page in Chromium
 * (attract → identify → play → prize), the slip printed on a virtual ESC/POS printer
 * over TCP whose raster QR decodes to the issued code, that code scanned on a till pty
 * and redeemed; a member QR at the kiosk scanner, a reload mid-game, a double tap, a
 * printer out of paper and the idle reset. Screenshots of each screen are kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { Gateway } from '../../gateway/runtime/gateway.js'
import { silentLogger } from '../../gateway/log.js'
import { VirtualPrinter, type Receipt } from '../../drivers/printer/virtual-printer.js'
import { requireProgram } from '../helpers/system.js'
import { PtyPair } from '../helpers/socat.js'
import { tempDir } from '../helpers/tmp.js'
import { launchChromium, screenshotEachLanguage, smallTargets } from '../helpers/browser.js'
import { seriousA11yViolations } from '../helpers/axe.js'
import { serialScanner } from '../helpers/scanner-harness.js'
import { waitFor } from '../helpers/wait.js'
import { readRasterQr } from '../helpers/qr.js'
import { KIOSK_TOKEN, campaign, kioskCredential, makeChain } from '../helpers/vouchers.js'

const ready = requireProgram('socat', 'kiosk e2e') && requireProgram('chromium', 'kiosk e2e')

function decodeRasterQr(r: Receipt): string | null {
  const img = r.items.find((i) => i.type === 'raster')
  return img?.type === 'raster' ? readRasterQr(img) : null
}

// Whole customer flows through a browser, a printer and a till: generous on a busy machine.
describe.skipIf(!ready)(
  'kiosk end to end in Chromium: play → printed voucher → redeemed at the till',
  { timeout: 90_000 },
  () => {
    let tmp: ReturnType<typeof tempDir>
    let pty: PtyPair
    let printer: VirtualPrinter
    let gateway: Gateway
    let browser: Browser
    let page: Page
    const receipts: Receipt[] = []
    const playsOf = (memberId: string) =>
      gateway.journal.reader
        .prepare('SELECT count(*) FROM kiosk_plays WHERE member = ?')
        .pluck()
        .get(memberId) as number
    /** Done on the prize screen — unless the idle reset (5 s here) already went back to attract on a slow machine. */
    const leavePrize = async () => {
      await page.click('#done', { timeout: 3000 }).catch(() => undefined)
      await page.waitForSelector('#attract:not([hidden])')
    }
    const enrol = async (phone: string) =>
      (await gateway.members.enrol({ phone, consents: { membership: true }, channel: 'pos' })).memberId
    /** The member's live QR at the kiosk's scanner: the page moves to the game. */
    const showMemberCode = async (memberId: string) => {
      await gateway.devices.simulateScan('kiosk-scanner', gateway.members.currentCode(memberId))
      await page.waitForSelector('#game:not([hidden])')
    }
    const codeOnScreen = async () =>
      decodeURIComponent(new URL((await page.getAttribute('#prize-qr', 'data-url'))!).pathname.slice(3))

    beforeAll(async () => {
      tmp = tempDir()
      printer = new VirtualPrinter()
      printer.on('receipt', (r) => receipts.push(r))
      const printerPort = await printer.listenTcp(0)
      pty = new PtyPair(join(tmp.dir, 'till'), join(tmp.dir, 'till-host'))
      await pty.start()
      const chain = await makeChain(
        tmp.dir,
        [{ id: 'shop-a', merchant: 'm-a' }],
        [
          campaign(),
          campaign({
            id: 13,
            name: { en: 'Thanks for playing', zh: '谢谢参与' },
            value: { item: { en: 'A sticker', zh: '贴纸一张' } },
          }),
        ],
        {
          printers: [
            {
              id: 'kiosk-printer',
              role: 'kiosk',
              transport: { type: 'tcp', host: '127.0.0.1', port: printerPort },
              nativeQr: false,
            },
          ],
          kiosk: {
            credentials: [kioskCredential('front-kiosk')],
            idleResetSeconds: 5,
            game: {
              playsPerMemberPerDay: 3,
              prizes: [{ id: 'big', campaign: 12, stock: 50 }],
              consolation: { campaign: 13, weight: 1 },
            },
          },
        },
      )
      const config = chain.stores.get('shop-a')!.config
      const kioskScanner = {
        id: 'kiosk-scanner',
        kind: 'scanner',
        role: 'kiosk',
        transport: { type: 'simulator', stdin: false },
      } as (typeof config.devices)[number]
      gateway = await Gateway.open({
        config: { ...config, devices: [serialScanner('till-scanner', pty.devicePath), kioskScanner] },
        log: silentLogger(),
      })
      await gateway.start()
      browser = await launchChromium()
      page = await browser.newPage({ viewport: { width: 1080, height: 1920 }, reducedMotion: 'reduce' }) // a pulsing button is never 'stable' to click
      await page.goto(`http://${gateway.address.replace(/^https?:\/\//, '')}/kiosk?spinMs=800`)
      // A new screen is not a kiosk until staff pair it with the kiosk's token (once; an HttpOnly cookie after).
      await page.waitForSelector('#pair:not([hidden])')
      await page.fill('#pair-token', 'not-the-kiosk-token-0000')
      await page.click('#pair-go')
      await page.waitForSelector('#pair-error:text("令牌不正确")')
      await screenshotEachLanguage(page, 'kiosk-0-pair', '#lang')
      await page.fill('#pair-token', KIOSK_TOKEN)
      await page.click('#pair-go')
      await page.waitForSelector('body[data-ready="true"]')
      expect(await page.evaluate('document.cookie')).toBe('') // the token is out of the page's reach
    })
    afterAll(async () => {
      await browser?.close()
      await gateway?.stop()
      await printer?.close()
      await pty?.stop()
      tmp?.cleanup()
    })

    it('walks attract → phone + consent → play → prize, prints a slip whose QR is the voucher, and the till redeems it', async () => {
      await screenshotEachLanguage(page, 'kiosk-1-attract', '#lang')
      expect(await smallTargets(page, 64)).toEqual([]) // kiosk touch targets
      expect(await seriousA11yViolations(page)).toEqual([])
      await page.click('#start')
      for (const d of '13800138000') await page.click(`#keypad button[data-key="${d}"]`)
      expect(await page.isDisabled('#identify-go')).toBe(true) // no consent, no membership
      await page.check('#consent')
      await screenshotEachLanguage(page, 'kiosk-2-identify', '#lang')
      expect(await smallTargets(page, 64)).toEqual([]) // kiosk touch targets
      await page.click('#identify-go')
      await page.waitForSelector('#game:not([hidden])')
      await screenshotEachLanguage(page, 'kiosk-3-game', '#lang')
      expect(await smallTargets(page, 64)).toEqual([]) // kiosk touch targets
      await page.click('#play')
      await page.waitForSelector('#prize:not([hidden])', { timeout: 10_000 })
      expect(await page.textContent('#prize-value')).not.toBe(await page.textContent('#prize-name'))
      // The slip's state follows the printer: "printing" turns into "printed".
      await page.waitForSelector('#print-state[data-state="done"]', { timeout: 15_000 })
      expect(await page.textContent('#print-state')).toBe('已打印，请取走小票')
      await screenshotEachLanguage(page, 'kiosk-4-prize', '#lang')
      expect(await smallTargets(page, 64)).toEqual([]) // kiosk touch targets
      expect(await seriousA11yViolations(page)).toEqual([])
      const code = await codeOnScreen()
      expect(code).toMatch(/^TS1:/)
      await waitFor(
        () => receipts.some((r) => decodeRasterQr(r) === code),
        'the slip with the voucher QR printed',
        15_000,
      )

      await pty.write(`${code}\r`)
      await waitFor(() => gateway.till.history()[0]?.voucher?.key !== undefined, 'till handled the scan', 10_000)
      expect(gateway.till.history()[0]).toMatchObject({ ok: true })
      // The phone page says it is used now.
      const phonePage = await browser.newPage({ viewport: { width: 390, height: 844 } })
      await phonePage.goto((await page.getAttribute('#prize-qr', 'data-url')) as string)
      await phonePage.getByText('Already used').waitFor()
      expect(await phonePage.textContent('.bad p')).toMatch(/^Used .+ at Store shop-a\.$/)
      await screenshotEachLanguage(phonePage, 'kiosk-5-phone-page-used', 'header a')
      expect(await smallTargets(phonePage, 44)).toEqual([])
      await phonePage.close()
      await leavePrize()
    })

    it('identifies by member QR at the kiosk scanner, and a double tap or a reload mid-game is still one play', async () => {
      const memberId = await enrol('13900139000')
      await showMemberCode(memberId)
      await page.dblclick('#play')
      await page.reload() // mid-spin: the page asks for the same play again
      await page.waitForSelector('#prize:not([hidden])', { timeout: 10_000 })
      expect(playsOf(memberId)).toBe(1)
      await page.click('#mine')
      await page.waitForSelector('#vouchers:not([hidden])')
      expect(await page.locator('#voucher-list li').count()).toBe(1)
      await screenshotEachLanguage(page, 'kiosk-6-my-vouchers', '#lang')
      expect(await smallTargets(page, 64)).toEqual([]) // kiosk touch targets
      await page.click('#vouchers-done')
    })

    it('shows the QR at once when the printer is out of paper, and prints the slip once paper is back', async () => {
      printer.condition.paperOut = true
      const memberId = await enrol('13700137000')
      await showMemberCode(memberId)
      await page.click('#lang') // and in English
      await page.click('#play')
      await page.waitForSelector('#prize:not([hidden])', { timeout: 10_000 })
      const code = await codeOnScreen()
      expect(await page.textContent('#print-state')).toMatch(/Printing|attention|Scan/)
      await screenshotEachLanguage(page, 'kiosk-7-prize-paper-out', '#lang')
      printer.condition.paperOut = false
      await waitFor(
        () => receipts.some((r) => decodeRasterQr(r) === code),
        'the slip printed after paper came back',
        30_000,
      )
      await page.click('#lang')
    })

    it("says so, and offers no Spin, when the day's plays are used up", async () => {
      await leavePrize()
      const memberId = await enrol('13600136000')
      for (let i = 0; i < 3; i++)
        await gateway.kiosk.play({ playId: `used-up-${i}`, kiosk: null, member: memberId, phone: true })
      await showMemberCode(memberId)
      expect(await page.textContent('#plays-left')).toBe('今天的次数已用完，明天再来')
      expect(await page.isDisabled('#play')).toBe(true)
      await screenshotEachLanguage(page, 'kiosk-8-no-plays-left', '#lang')
      expect(await smallTargets(page, 64)).toEqual([]) // kiosk touch targets
    })

    it("goes back to the attract loop after the idle time, in the kiosk's own language", async () => {
      await page.click('#lang')
      await page.waitForSelector('html[lang="en"]')
      await page.waitForSelector('#attract:not([hidden])', { timeout: 9000 })
      expect(await page.evaluate('sessionStorage.getItem("tillside.player")')).toBeNull()
      expect(await page.getAttribute('html', 'lang')).toBe('zh-CN')
    })

    it('shows the rules before anyone plays: every prize, units left, its chance, the draw record', async () => {
      await page.click('#rules-open')
      await page.waitForSelector('#rules:not([hidden])')
      const rules = gateway.kiosk.rules()
      const rows = await page.locator('#rules-prizes tr').allTextContents()
      expect(rows).toHaveLength(rules.prizes.length)
      expect(rules.prizes.map((p) => p.id)).toEqual(['big', 'consolation'])
      expect(rules.prizes.reduce((sum, p) => sum + p.chance, 0)).toBeCloseTo(1, 9)
      // The chance is what the draw uses: each prize weighs its units left, the consolation its weight.
      const left = rules.prizes[0]!.left!
      expect(rules.prizes[0]!.chance).toBeCloseTo(left / (left + 1), 9)
      expect(rows[0]).toBe(`B店立减20元${left}${Math.round((left / (left + 1)) * 100)}%`)
      expect(rows[1]).toBe(`谢谢参与不限${((1 / (left + 1)) * 100).toFixed(1)}%`) // small chances keep a decimal
      expect(await page.textContent('#rules-today')).toMatch(/^[0-9a-f]{64}$/) // plays today: committed
      await screenshotEachLanguage(page, 'kiosk-11-rules', '#lang')
      expect(await smallTargets(page, 64)).toEqual([]) // kiosk touch targets
      expect(await seriousA11yViolations(page)).toEqual([])
      await page.click('#rules-done')
      await page.waitForSelector('#attract:not([hidden])')
    })

    it('fits a landscape screen: the wheel and Spin above the bottom edge', async () => {
      await page.setViewportSize({ width: 1920, height: 1080 })
      try {
        await screenshotEachLanguage(page, 'kiosk-12-landscape-attract', '#lang')
        const memberId = await enrol('13400134000')
        await showMemberCode(memberId)
        const spin = (await page.locator('#play').boundingBox())!
        const wheel = (await page.locator('#wheel').boundingBox())!
        expect(spin.y + spin.height).toBeLessThanOrEqual(1080 - 24)
        expect(wheel.height).toBeGreaterThanOrEqual(480)
        await screenshotEachLanguage(page, 'kiosk-12-landscape-game', '#lang')
        await page.click('#done').catch(() => undefined)
      } finally {
        await page.setViewportSize({ width: 1080, height: 1920 })
      }
    })

    it('tells the customer in words when the gateway is gone: on a screen that cannot load, and on Spin', async () => {
      // The page is there but the gateway does not answer (restarting, cable out): words, then back by itself.
      await page.route('**/api/kiosk/setup*', (route) => route.abort('connectionrefused'))
      await page.reload()
      await page.waitForSelector('#offline:not([hidden]) h2:text("暂时无法连接，正在重试…")')
      expect(await page.textContent('#lang')).toBe('English')
      await screenshotEachLanguage(page, 'kiosk-9-offline', '#lang')
      await page.unroute('**/api/kiosk/setup*')
      await page.waitForSelector('#attract:not([hidden])', { timeout: 10_000 })
      const memberId = await enrol('13500135000')
      await showMemberCode(memberId)
      await gateway.stop()
      await page.click('#play')
      await page.waitForSelector('#game-error:text("网络故障，请重试")')
      expect(await page.getAttribute('#wheel-face', 'class')).toBe('face') // no longer turning as if waiting
      await screenshotEachLanguage(page, 'kiosk-10-spin-offline', '#lang')
    })
  },
)
