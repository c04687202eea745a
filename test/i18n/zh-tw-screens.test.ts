/**
 * A Traditional Chinese store with its own logo (store.languages: [zh-TW, en],
 * store.brand.logo): the kiosk, the till, the phone's portal and voucher page all speak
 * Traditional Chinese from the one catalog — every word on screen, not only the ones a
 * test names — with English one tap away; the logo heads the kiosk, the phone pages and
 * the printed slip.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as OpenCC from 'opencc-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { Gateway } from '../../gateway/runtime/gateway.js'
import { silentLogger } from '../../gateway/log.js'
import { requireProgram } from '../helpers/system.js'
import { tempDir } from '../helpers/tmp.js'
import { KIOSK_TOKEN, POS_TOKEN, campaign, kioskCredential, makeChain } from '../helpers/vouchers.js'
import { halfBlackLogo } from '../helpers/png.js'
import { landingAngle } from '../../gateway/http/portal/wheel-svg.js'
import { waitFor } from '../helpers/wait.js'
import { launchChromium, screenshot } from '../helpers/browser.js'

// Runs in the page (page.$eval); the tests compile without the DOM's types.
declare const getComputedStyle: (el: unknown) => { opacity: string; transform: string; animationName: string }

const ready = requireProgram('chromium', 'Traditional Chinese screens')
const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' })

/** The page's visible words that OpenCC would write differently in Traditional Chinese. */
async function simplifiedOn(page: Page): Promise<string[]> {
  const text = await page.innerText('body')
  return text.split('\n').filter((line) => toTraditional(line) !== line)
}

describe.skipIf(!ready)('a Traditional Chinese store', () => {
  const tmp = tempDir()
  let gateway: Gateway
  let browser: Browser

  /** The image in `selector` arrived and decoded (not a broken-image icon). */
  const logoShown = (page: Page, selector: string) =>
    page.$eval(selector, (el) => {
      const img = el as unknown as { complete: boolean; naturalWidth: number }
      return img.complete && img.naturalWidth === 400
    })

  beforeAll(async () => {
    const logo = join(tmp.dir, 'logo.png')
    writeFileSync(logo, halfBlackLogo())
    const chain = await makeChain(
      tmp.dir,
      [{ id: 'shop-a', merchant: 'm-a' }],
      [
        campaign({ name: { en: '20 off', zh: '立减20元', 'zh-TW': '現折 20 元' } }),
        campaign({
          id: 13,
          name: { en: 'A free coffee', zh: '免费咖啡一杯', 'zh-TW': '免費咖啡一杯' },
          value: { item: { en: 'One coffee', zh: '咖啡一杯', 'zh-TW': '咖啡一杯' } },
        }),
      ],
      {
        store: { id: 'shop-a', name: '港灣咖啡', merchant: 'm-a', languages: ['zh-TW', 'en'], brand: { logo } },
        printers: [{ id: 'kiosk-printer', role: 'kiosk', transport: { type: 'simulator' }, pollMs: 200 }],
        kiosk: {
          credentials: [kioskCredential('front-kiosk')],
          game: {
            playsPerMemberPerDay: 2,
            prizes: [{ id: 'big', campaign: 12, stock: 5 }],
            consolation: { campaign: 13, weight: 1 },
          },
        },
        portal: {
          enabled: true,
          http: { host: '127.0.0.1', port: 0 },
          store: { address: { en: '8 Harbour Road', zh: '海港路 8 号', 'zh-TW': '海港路 8 號' } },
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

  it('the kiosk: pairing, attract and rules in Traditional Chinese', async () => {
    const page = await browser.newPage({ viewport: { width: 1080, height: 1920 }, reducedMotion: 'reduce' })
    await page.goto(`${gateway.address}/kiosk`)
    await page.waitForSelector('#pair:not([hidden])')
    await expect.poll(() => page.textContent('#pair h2')).toBe('本螢幕尚未登記為抽獎機')
    await page.fill('#pair-token', KIOSK_TOKEN)
    await page.click('#pair-go')
    await page.waitForSelector('body[data-ready="true"]')
    expect(await page.getAttribute('html', 'lang')).toBe('zh-TW')
    expect(await page.textContent('#start')).toBe('點擊開始')
    expect(await page.textContent('#lang')).toBe('English')
    expect(await logoShown(page, '#logo')).toBe(true)
    expect(await simplifiedOn(page)).toEqual([])
    await screenshot(page, 'zh-TW-kiosk-attract')
    await page.click('#rules-open')
    await page.waitForSelector('#rules:not([hidden])')
    expect(await page.textContent('#rules-plays')).toBe('每位會員每天可玩 2 次，每次必中一項獎品。')
    expect(await simplifiedOn(page)).toEqual([])
    await screenshot(page, 'zh-TW-kiosk-rules')
    await page.click('#lang')
    await expect
      .poll(() => page.textContent('#rules-plays'))
      .toBe('Each member can play 2 times a day; every play wins one prize.')
    expect(await page.textContent('#lang')).toBe('中文')
    await page.close()
  }, 60_000)

  it('the till: a Hong Kong browser gets Traditional Chinese', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-HK' })
    await page.goto(`${gateway.address}/till`)
    await expect.poll(() => page.textContent('#login h1')).toBe('請輸入 PIN 碼')
    expect(await page.getAttribute('html', 'lang')).toBe('zh-TW')
    expect(await simplifiedOn(page)).toEqual([])
    await screenshot(page, 'zh-TW-till-login')
    await page.close()
  }, 30_000)

  it('the phone: join, play, prize and voucher page in Traditional Chinese', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      locale: 'zh-TW',
    })
    const page = await context.newPage()
    await page.goto(`${gateway.guestAddress}/portal`)
    await expect.poll(() => page.locator('h1').textContent()).toBe('免費 Wi-Fi')
    expect(await page.getAttribute('html', 'lang')).toBe('zh-TW')
    expect(await logoShown(page, '.top img')).toBe(true)
    expect(await simplifiedOn(page)).toEqual([])
    await screenshot(page, 'zh-TW-portal-join')
    await page.locator('input[name=phone]').fill('138 0013 8000')
    await page.locator('input[name=membership]').check()
    await page.getByRole('button', { name: '一鍵上網' }).click()
    await page.waitForURL(/\/portal\/welcome/)
    expect(await page.textContent('#game')).toContain('今天還可以玩 2 次')
    expect(await page.textContent('body')).toContain('海港路 8 號')
    expect(await simplifiedOn(page)).toEqual([])
    await screenshot(page, 'zh-TW-portal-welcome')
    await page.getByRole('button', { name: '開始抽獎' }).click()
    await page.waitForURL(/\/portal\/prize\//)
    // The wheel (SVG and CSS, no script) turns once and lands on the prize won, then the card shows.
    const labels = await page.locator('.wheel text').allTextContents()
    expect(labels).toHaveLength(2)
    const won = labels.indexOf((await page.textContent('.prize'))!)
    expect(won).toBeGreaterThanOrEqual(0)
    await expect.poll(() => page.$eval('.reveal', (el) => getComputedStyle(el).opacity), { timeout: 10_000 }).toBe('1')
    const turned = () =>
      page.$eval('.wheel svg', (el) => {
        const [a, b] = getComputedStyle(el).transform.slice(7, -1).split(',').map(Number)
        return Math.round(((Math.atan2(b!, a!) * 180) / Math.PI + 360) % 360)
      })
    expect(await turned()).toBe(Math.round((landingAngle(won, 2) + 360 * 6) % 360))
    expect(await simplifiedOn(page)).toEqual([])
    await screenshot(page, 'zh-TW-portal-prize')
    // Opened again (no spin=1), it rests on the prize at once.
    await page.goto(page.url().replace('&spin=1', ''))
    expect(await page.$eval('.wheel svg', (el) => getComputedStyle(el).animationName)).toBe('none')
    expect(await turned()).toBe(Math.round((landingAngle(won, 2) + 360 * 6) % 360))
    await page.getByRole('link', { name: /收銀員/ }).click()
    await page.waitForURL(/\/v\//)
    expect(await page.getAttribute('html', 'lang')).toBe('zh-TW')
    expect(await page.textContent('body')).toContain('港灣咖啡')
    expect(await logoShown(page, 'header img')).toBe(true)
    expect(await simplifiedOn(page)).toEqual([])
    await screenshot(page, 'zh-TW-voucher')
    await page.getByRole('link', { name: 'English' }).click()
    await expect.poll(() => page.textContent('dl')).toContain('Where to use it')
    await context.close()
  }, 60_000)

  it('prints the logo on top of the voucher slip, as dots the printer receives', async () => {
    const { code } = await gateway.vouchers.issue({ campaignId: 12, channel: 'kiosk' })
    const res = await gateway.app.inject({
      method: 'POST',
      url: '/api/print/vouchers',
      headers: { authorization: `Bearer ${POS_TOKEN}` },
      payload: { code },
    })
    expect(res.statusCode).toBe(202)
    const sim = gateway.print.simulators.get('kiosk-printer')!
    const slip = () => sim.receipts.find((r) => r.items.some((i) => i.type === 'qr' && i.data === code))
    await waitFor(() => slip() !== undefined, 'slip printed')
    const items = slip()!.items
    const logo = items.find((i) => i.type === 'raster')
    expect(logo).toMatchObject({ width: 256, height: 64 })
    const dots = (logo as { bits: Uint8Array }).bits
    expect([dots[0], dots[127], dots[128], dots[255]]).toEqual([1, 1, 0, 0]) // black half, then paper
    // Above the store's name, which is above the QR.
    const at = (match: (i: (typeof items)[number]) => boolean) => items.findIndex(match)
    expect(at((i) => i.type === 'raster')).toBeLessThan(at((i) => i.type === 'text' && i.text.includes('港灣咖啡')))
    expect(at((i) => i.type === 'text' && i.text.includes('港灣咖啡'))).toBeLessThan(at((i) => i.type === 'qr'))
  })
})
