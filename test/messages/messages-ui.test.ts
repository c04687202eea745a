/**
 * The service window in Chromium: a manager writes an offer to the followers in the back
 * office (1280×800), previews who it reaches and how it looks, sends it; a member reads it
 * on a phone (390×844) — HTML in the text shown as text — opens their voucher, and stops
 * messages with one tap; the voucher used at the till with a sale moves the message's row.
 * Screenshots in each language.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { hashPassword } from '../../gateway/auth/secrets.js'
import { memberLinkToken } from '../../gateway/http/member-link.js'
import { requireProgram } from '../helpers/system.js'
import { launchChromium, screenshot, screenshotEachLanguage, smallTargets } from '../helpers/browser.js'
import { seriousA11yViolations } from '../helpers/axe.js'
import { startStoreGateway } from '../helpers/vouchers.js'

const ready = requireProgram('chromium', 'messages in a browser')
const PASSWORD = 'correct horse battery'

describe.skipIf(!ready)('messages to followers in a browser', () => {
  let g: Awaited<ReturnType<typeof startStoreGateway>>
  let browser: Browser
  let manager: Page
  let phone: Page
  const members: string[] = []

  beforeAll(async () => {
    g = await startStoreGateway({
      store: { id: 'shop-a', name: 'Corner Tea', merchant: 'm-a', languages: ['zh', 'en'] },
      admin: {
        users: [{ id: 'mei', name: 'Manager Mei', role: 'manager', passwordHash: await hashPassword(PASSWORD) }],
      },
      messages: { quietHours: null },
    })
    for (let i = 0; i < 3; i++)
      members.push(
        (
          await g.gateway.members.enrol({
            phone: `1390000100${i}`,
            consents: { membership: true, followStore: true, marketing: true },
            channel: 'portal',
          })
        ).memberId,
      )
    browser = await launchChromium()
    manager = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' })
    await manager.goto(`${g.gateway.address}/admin/login?lang=en`)
    await manager.fill('input[name=user]', 'mei')
    await manager.fill('input[name=password]', PASSWORD)
    await manager.click('button[type=submit]')
    await manager.waitForURL(/\/admin$/)
    phone = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'en-GB', isMobile: true })
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await g?.stop()
  })

  const write = async (lang: 'en' | 'zh') => {
    await manager.goto(`${g.gateway.address}/admin/messages?lang=${lang}`)
    await manager.fill('input[name=title_en]', 'Autumn tea week')
    await manager.fill(
      'textarea[name=body_en]',
      'Taste our new oolong <b>free</b> this week.\nShow the voucher at the till.',
    )
    await manager.fill('input[name=title_zh]', '秋季品茶周')
    await manager.fill('textarea[name=body_zh]', '本周免费品尝新乌龙茶。\n到收银台出示优惠券即可。')
    await manager.selectOption('select[name=campaign]', '12')
    await manager.click('button[value=preview]')
  }

  it('previews who an offer reaches and how it looks, in each language', async () => {
    await write('en')
    await manager
      .locator('.preview .figure', { hasText: 'Would get it now' })
      .locator('strong', { hasText: '3' })
      .waitFor()
    expect(await manager.locator('.phone[lang=en] .text').textContent()).toContain('<b>free</b>')
    expect(await smallTargets(manager, 44)).toEqual([])
    expect(await seriousA11yViolations(manager)).toEqual([])
    await screenshot(manager, 'admin-messages-preview-en')
    await write('zh')
    await manager.locator('.preview .figure', { hasText: '现在发送可送达' }).waitFor()
    await screenshot(manager, 'admin-messages-preview-zh-CN')
  })

  it('sends it: every follower who accepts offers gets it with a voucher of their own', async () => {
    await manager.click('button[value=send]')
    await manager.locator('.notice', { hasText: '消息正在发出' }).waitFor()
    await g.gateway.fanOut.idle()
    expect(g.gateway.messages.list()[0]).toMatchObject({ state: 'sent', delivered: 3 })
  })

  it('shows the member their messages on the phone, the text as text, and their voucher', async () => {
    const token = memberLinkToken(g.gateway.app.services.links, members[0]!)
    await phone.goto(`${g.gateway.address}/m/${token}?lang=en`)
    await phone.locator('.inbox a', { hasText: 'Autumn tea week' }).waitFor()
    expect(await phone.textContent('.inbox .new')).toBe('New')
    await screenshotEachLanguage(phone, 'member-inbox', 'header a')
    expect(await smallTargets(phone, 44)).toEqual([])
    await phone.click('.inbox a')
    await phone.locator('p.text', { hasText: 'Taste our new oolong <b>free</b> this week.' }).waitFor()
    await screenshotEachLanguage(phone, 'member-message', 'header a')
    expect(await seriousA11yViolations(phone)).toEqual([])
    await phone.click('a.button')
    await phone.locator('img.qr').waitFor()
    expect(g.gateway.messages.message(g.gateway.messages.list()[0]!.id)).toMatchObject({ opened: 1 })
  })

  it('moves the row when the voucher is used with a sale, with a chart from message to sale', async () => {
    const m = g.gateway.messages.list()[0]!
    const line = g.gateway.messages.inbox(members[0]!).find((l) => l.id === m.id)!
    const redeemed = await g.gateway.vouchers.redeem(g.gateway.messages.voucherCode(members[0]!, line.voucher!), {
      device: null,
      cashier: null,
      source: {},
    })
    await g.gateway.pos.recordSale('pos-1', {
      idempotencyKey: 'sale-from-message',
      amount: 5_800,
      currency: 'CNY',
      member: null,
      payments: [{ method: 'cash', amount: 5_800 }],
      redemptions: [(redeemed as { redemptionId: string }).redemptionId],
      reference: null,
    })
    await manager.goto(`${g.gateway.address}/admin/messages?lang=en`)
    const row = manager.locator('#messages tbody tr').first()
    expect(await row.textContent()).toMatch(/Autumn tea week.*Sent.*3.*1.*1.*¥58\.00/)
    await manager.locator('figure.chart svg.bars').waitFor()
    await screenshotEachLanguage(manager, 'admin-messages', '.lang')
  })

  it('stops messages with one tap: the consent withdrawn at once', async () => {
    const token = memberLinkToken(g.gateway.app.services.links, members[1]!)
    await phone.goto(`${g.gateway.address}/m/${token}?lang=en`)
    await phone.click('text=Stop messages from Corner Tea')
    await screenshot(phone, 'member-unsubscribe-en')
    await phone.click('button.button')
    await phone.locator('h1', { hasText: 'no more messages or offers from Corner Tea' }).waitFor()
    await screenshot(phone, 'member-unsubscribed-en')
    expect(g.gateway.members.consents(members[1]!, 'follow_store')).toBe(false)
    await phone.goto(`${g.gateway.address}/m/${token.slice(0, -2)}xx?lang=en`)
    expect(await phone.textContent('.bad')).toContain('This link does not work any more')
  })
})
