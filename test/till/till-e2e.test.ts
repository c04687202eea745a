/**
 * The closed pipe's till end, through real parts: shop A's CLI issues a voucher with A's
 * key; shop B's gateway (offline, trusting A only through the signed trust list) reads
 * it from a real pty scanner; the cashier screen in Chromium shows VALID, then
 * "already used" with when and where; a void with the PIN; a forged code refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { Gateway } from '../../gateway/runtime/gateway.js'
import { silentLogger } from '../../gateway/log.js'
import { requireProgram } from '../helpers/system.js'
import { PtyPair } from '../helpers/socat.js'
import { tempDir } from '../helpers/tmp.js'
import { runCli } from '../helpers/cli.js'
import { launchChromium, screenshotEachLanguage } from '../helpers/browser.js'
import { seriousA11yViolations } from '../helpers/axe.js'
import { serialScanner } from '../helpers/scanner-harness.js'
import { waitFor } from '../helpers/wait.js'
import { CASHIER_PIN, makeChain, type TestChain } from '../helpers/vouchers.js'
import { decodeBase45, encodeBase45 } from '../../gateway/vouchers/base45.js'
import { PAYLOAD_BYTES, VOUCHER_PREFIX } from '../../gateway/vouchers/voucher-code.js'

const ready = requireProgram('socat', 'till e2e') && requireProgram('chromium', 'till e2e')

describe.skipIf(!ready)('till end to end: pty scanner → redemption → cashier screen in Chromium', () => {
  let tmp: ReturnType<typeof tempDir>
  let chain: TestChain
  let pty: PtyPair
  let gateway: Gateway
  let browser: Browser
  let page: Page
  let code: string

  async function enterPin(keypad: string, pin: string) {
    for (const d of pin) await page.click(`${keypad} button[data-key="${d}"]`)
    await page.click(`${keypad} button[data-key="ok"]`)
  }
  async function scan(text: string, expected: RegExp) {
    await pty.write(`${text}\r`)
    await page.locator('#headline', { hasText: expected }).waitFor({ timeout: 10_000 })
  }

  beforeAll(async () => {
    tmp = tempDir()
    chain = await makeChain(tmp.dir, [
      { id: 'shop-a', merchant: 'm-a' },
      { id: 'shop-b', merchant: 'm-b' },
    ])
    // Shop A issues with the real CLI, from its own data dir and key.
    const configA = join(tmp.dir, 'shop-a.json')
    writeFileSync(configA, JSON.stringify(chain.stores.get('shop-a')!.config))
    const issued = await runCli(['voucher', 'issue', '--campaign', '12', '--member', 'mem-42', '--config', configA])
    expect(issued.code, issued.stderr).toBe(0)
    code = issued.stdout.trim()
    pty = new PtyPair(join(tmp.dir, 'scanner'), join(tmp.dir, 'scanner-host'))
    await pty.start()
    const b = chain.stores.get('shop-b')!.config
    pty.listen()
    // Good-read / bad-read commands as a scanner's programming guide would give them (here readable ASCII).
    const feedback = { goodRead: Buffer.from('<GOOD>').toString('hex'), badRead: Buffer.from('<BAD>').toString('hex') }
    gateway = await Gateway.open({
      config: { ...b, devices: [serialScanner('till-scanner', pty.devicePath, {}, { feedback })] },
      log: silentLogger(),
    })
    await gateway.start()
    browser = await launchChromium()
    // The till's real screen; the page's clock is Playwright's, so the banner's timeout can be jumped over.
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' })
    await page.clock.install()
    await page.goto(`${gateway.address}/till`)
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await gateway?.stop()
    await pty?.stop()
    tmp?.cleanup()
  })

  it('logs in by PIN, refusing a wrong one', async () => {
    await enterPin('#login-keypad', '0000')
    await page.waitForSelector('#login-error:text("Wrong PIN")')
    await enterPin('#login-keypad', CASHIER_PIN)
    await page.waitForSelector('#till:not([hidden])')
    await page.waitForSelector('#link[data-state="open"]')
    expect(await page.textContent('#who')).toContain('Ann')
  })

  it('shows VALID with what to hand over; the redemption, its event and outbox row are durable', async () => {
    await scan(code, /^VALID$/)
    expect(await page.getAttribute('#result', 'data-state')).toBe('valid')
    expect(await page.textContent('#handover')).toBe('Take ¥20.00 off the bill')
    expect(await page.textContent('#meta')).toMatch(/^20 off at Shop B · Scanned \d\d:\d\d:\d\d \(just now\)$/)
    await screenshotEachLanguage(page, 'till-valid', '#lang')
    expect(await seriousA11yViolations(page)).toEqual([])
    await waitFor(() => pty.received.includes('<GOOD>'), 'good-read command sent to the scanner')
    const db = gateway.journal.reader
    const row = db
      .prepare(
        "SELECT e.seq, e.payload, o.type AS outbox FROM events e JOIN outbox o USING (seq) WHERE e.type = 'voucher.redeemed'",
      )
      .get() as { payload: string; outbox: string }
    expect(row.outbox).toBe('voucher.redeemed')
    expect(JSON.parse(row.payload)).toMatchObject({
      voucherKey: '1:12:1',
      issuerStore: 'shop-a',
      store: 'shop-b',
      cashier: 'ann',
    })
    expect(db.prepare('SELECT count(*) FROM redemptions WHERE voided_at IS NULL').pluck().get()).toBe(1)
  })

  it('shows "Already used" with when and where on the second scan', async () => {
    await scan(code, /^Already used$/)
    expect(await page.getAttribute('#result', 'data-state')).toBe('rejected')
    expect(await page.textContent('#detail')).toMatch(/^Used .* at Store shop-b$/)
    await screenshotEachLanguage(page, 'till-already-redeemed', '#lang')
    expect(await seriousA11yViolations(page)).toEqual([])
    await waitFor(() => pty.received.endsWith('<GOOD><BAD>'), 'bad-read command sent to the scanner')
    await page.click('#lang')
    await page.locator('#headline', { hasText: /^已被使用$/ }).waitFor()
    expect(await page.textContent('#detail')).toMatch(/^已于 .* 在 Store shop-b 使用$/)
    await page.click('#lang')
  })

  it('refuses a forged code (one signature bit changed) in plain words', async () => {
    // Well-formed, signed by nobody: exactly FORGED (a changed character could also make an unreadable code).
    const bytes = decodeBase45(code.slice(VOUCHER_PREFIX.length))
    bytes[PAYLOAD_BYTES + 10]! ^= 0x01
    const forged = VOUCHER_PREFIX + encodeBase45(bytes)
    await scan(forged, /^FORGED$/)
    await screenshotEachLanguage(page, 'till-rejected-forged', '#lang')
    expect(await page.locator('#history li').count()).toBe(3)
  })

  it('recognises a member by the live member code, and refuses an old screenshot of it', async () => {
    const { memberId } = await gateway.members.enrol({
      phone: '138 0013 8000',
      consents: { membership: true },
      channel: 'pos',
    })
    await scan(gateway.members.currentCode(memberId), /^MEMBER$/)
    expect(await page.textContent('#detail')).toBe('Member recognised')
    expect(await page.getAttribute('#history li:first-child', 'class')).toBe('info') // not a failure
    expect(await page.textContent('#history li:first-child .mark')).toBe('•')
    await scan(gateway.members.currentCode(memberId, Date.now() - 5 * 60_000), /^Old member code$/)
    expect(await page.getAttribute('#history li:first-child', 'class')).toBe('rejected')
    await scan('6901234567892', /^Product barcode$/)
    expect(await page.getAttribute('#result', 'data-state')).toBe('info')
    expect(await page.textContent('#history li:first-child .mark')).toBe('•')
  })

  it('voids the redemption from the list with the PIN; the voucher can be used again', async () => {
    await page.click('#history li.valid button.void')
    await enterPin('#void-keypad', CASHIER_PIN)
    await page.waitForSelector('#history li.voided')
    const voided = gateway.journal.reader
      .prepare("SELECT count(*) FROM events e JOIN outbox USING (seq) WHERE e.type = 'voucher.voided'")
      .pluck()
      .get()
    expect(voided).toBe(1)
    await scan(code, /^VALID$/)
  })

  it('lets a result go after 20 s, so an old VALID is never read as the voucher in hand', async () => {
    await page.clock.fastForward(10_000)
    await page.locator('#meta', { hasText: '(10 s ago)' }).waitFor()
    await page.clock.fastForward(11_000)
    await page.locator('#headline', { hasText: /^Scan a voucher$/ }).waitFor()
    expect(await page.getAttribute('#result', 'data-state')).toBe('idle')
    expect(await page.textContent('#handover')).toBe('')
    // A reload (or a restart) brings the list back, never the last result onto the banner.
    await scan(code, /^Already used$/)
    await page.reload()
    await page.waitForSelector('#link[data-state="open"]')
    await page.waitForFunction('document.querySelectorAll("#history li").length > 5')
    expect(await page.textContent('#headline')).toBe('Scan a voucher')
    await screenshotEachLanguage(page, 'till-idle', '#lang')
  })

  it('has every control at least 44 px', async () => {
    await page.click('#history li.valid button.void')
    const small: string[] = []
    for (const b of await page.locator('button:visible').all()) {
      const box = (await b.boundingBox())!
      if (box.width < 44 || box.height < 44) small.push(`${await b.textContent()} ${box.width}×${box.height}`)
    }
    expect(await page.locator('button:visible').count()).toBeGreaterThan(12) // header, list and the dialog's keypad
    await page.click('#void-dialog button[value="cancel"]')
    expect(small).toEqual([])
  })

  it('turns grey OFFLINE the moment the gateway is gone, and never shows the last result again', async () => {
    await scan(code, /^Already used$/)
    await gateway.stop()
    await page.locator('#headline', { hasText: /^OFFLINE — do not accept vouchers$/ }).waitFor({ timeout: 10_000 })
    expect(await page.getAttribute('#result', 'data-state')).toBe('offline')
    expect(await page.getAttribute('#link', 'data-state')).toBe('closed')
    await screenshotEachLanguage(page, 'till-offline', '#lang')
    expect(await seriousA11yViolations(page)).toEqual([])
    await page.click('#lang')
    await page.locator('#headline', { hasText: /^离线 — 请勿接受优惠券$/ }).waitFor()
  })
})
