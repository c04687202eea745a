/**
 * A member of another store of the merchant pays at this till: the cashier types the
 * amount, the member's QR is read from a real pty scanner, and the answer comes from the
 * member's home store through a real Mosquitto and the reference cloud — shown in
 * Chromium with the home store's name; refused in plain words when it cannot be asked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { Mosquitto } from '../../scripts/mosquitto.js'
import { freePort } from '../../scripts/bench/gateway-process.js'
import { Gateway } from '../../gateway/runtime/gateway.js'
import { silentLogger } from '../../gateway/log.js'
import { requireProgram } from '../helpers/system.js'
import { PtyPair } from '../helpers/socat.js'
import { tempDir } from '../helpers/tmp.js'
import { waitFor } from '../helpers/wait.js'
import { CloudEnd, FAST_SYNC } from '../helpers/sync-harness.js'
import { launchChromium, screenshotEachLanguage, smallTargets } from '../helpers/browser.js'
import { serialScanner } from '../helpers/scanner-harness.js'
import { CASHIER_PIN, makeChain } from '../helpers/vouchers.js'

const ready =
  requireProgram('socat', 'card at another store') &&
  requireProgram('chromium', 'card at another store') &&
  requireProgram('mosquitto', 'card at another store')

describe.skipIf(!ready)('paying at the till from a card kept at another store', () => {
  let tmp: ReturnType<typeof tempDir>
  let broker: Mosquitto
  let cloud: CloudEnd
  let pty: PtyPair
  let home: Gateway
  let here: Gateway
  let browser: Browser
  let page: Page
  let member: string

  const press = async (keys: string[]) => {
    for (const k of keys) await page.click(`#amount-keypad button[data-key="${k}"]`)
  }
  const payFirst = async (keys: string[]) => {
    await page.click('#card-pay-first')
    await press(keys)
    await page.click('#amount-confirm')
    await page.locator('#amount-status', { hasText: "Scan the member's QR now" }).waitFor()
  }

  beforeAll(async () => {
    tmp = tempDir()
    broker = new Mosquitto({ dir: join(tmp.dir, 'broker'), port: await freePort() })
    await broker.start()
    cloud = new CloudEnd(join(tmp.dir, 'cloud.db'), broker.url).start()
    const chain = await makeChain(
      tmp.dir,
      [
        { id: 'harbour', merchant: 'tea-co' },
        { id: 'station', merchant: 'tea-co' },
      ],
      undefined,
      { sync: { ...FAST_SYNC, broker: broker.url, onlineCheckTimeoutMs: 2000 } },
    )
    const homeConfig = chain.stores.get('harbour')!.config
    home = await Gateway.open({
      config: { ...homeConfig, store: { ...homeConfig.store, name: 'Corner Tea Harbour Road' } },
      log: silentLogger(),
    })
    pty = new PtyPair(join(tmp.dir, 'scanner'), join(tmp.dir, 'scanner-host'))
    await pty.start()
    pty.listen()
    const hereConfig = chain.stores.get('station')!.config
    here = await Gateway.open({
      config: { ...hereConfig, devices: [serialScanner('till-scanner', pty.devicePath)] },
      log: silentLogger(),
    })
    await home.start()
    await here.start()
    member = (await home.members.enrol({ phone: '13900002222', consents: { membership: true }, channel: 'pos' }))
      .memberId
    await home.cards.topUp(
      { key: 'pos:test', cashier: null, device: null },
      { idempotencyKey: 'chain-till-topup', memberId: member, amount: 10_000, payment: { method: 'cash' } },
    )
    await waitFor(() => cloud.store.cards.homeOf(member) === 'harbour', "the cloud knows the member's home")
    await waitFor(() => cloud.store.cards.merchantOf('station') === 'tea-co', "the cloud knows this store's merchant")
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' })
    await page.goto(`${here.address}/till`)
    for (const k of [...CASHIER_PIN, 'ok']) await page.click(`#login-keypad button[data-key="${k}"]`)
    await page.waitForSelector('#link[data-state="open"]')
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await here?.stop()
    await home?.stop()
    await pty?.stop()
    await cloud?.stop()
    await broker?.kill()
    tmp?.cleanup()
  })

  it('pays from the card at its home store and says whose card it is', async () => {
    await payFirst(['3', '5', '00'])
    await pty.write(`${home.members.currentCode(member)}\r`)
    await page.locator('#card-done strong', { hasText: 'PAID ¥35.00 FROM THE CARD' }).waitFor({ timeout: 15_000 })
    expect(await page.textContent('#card-done')).toContain('Balance now ¥65.00')
    expect(await page.textContent('#card-present')).toContain('Member of Corner Tea Harbour Road')
    expect(await page.isHidden('#card-actions')).toBe(true) // the card lives at its home store
    await screenshotEachLanguage(page, 'till-card-other-store-paid', '#lang')
    expect(await smallTargets(page, 44)).toEqual([])
    expect(home.cards.summary(member).total).toBe(6_500)
    const ledger = home.journal.reader.prepare("SELECT device, cashier FROM card_ledger WHERE kind = 'debit'").all()
    expect(ledger).toEqual([{ device: 'store:station', cashier: 'station/ann' }])
  })

  it('refuses in plain words when the home store cannot be asked', async () => {
    const code = home.members.currentCode(member)
    await home.stop()
    await waitFor(() => !cloud.store.cards.isOnline('harbour'), 'the cloud sees the home store gone')
    await page.click('#card-close')
    await payFirst(['1', '0', '00'])
    await pty.write(`${code}\r`)
    await page
      .locator('#card-done[data-state="refused"]', { hasText: "The member's home store cannot be reached now" })
      .waitFor({ timeout: 15_000 })
    expect(await page.textContent('#card-present')).toBe('Member of another store')
    expect(await page.textContent('#headline')).toContain('NEEDS CONNECTION')
    await screenshotEachLanguage(page, 'till-card-other-store-offline', '#lang')
  })
})
