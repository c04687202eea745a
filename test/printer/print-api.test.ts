/** Print API through a gateway with a simulated printer: voucher slip, preview, test page, reprint, cancel. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Gateway } from '../../gateway/runtime/gateway.js'
import { receiptText } from '../../drivers/printer/virtual-printer.js'
import { waitFor } from '../helpers/wait.js'
import { POS_TOKEN, startStoreGateway } from '../helpers/vouchers.js'

describe('print API', () => {
  let gateway: Gateway
  let app: FastifyInstance
  const auth = { authorization: `Bearer ${POS_TOKEN}` }
  let stop: () => Promise<void>
  beforeAll(async () => {
    ;({ gateway, app, stop } = await startStoreGateway({
      dev: true,
      devices: [{ id: 'till-scanner', kind: 'scanner', role: 'till', transport: { type: 'simulator' } }],
      printers: [
        { id: 'kiosk-printer', role: 'kiosk', transport: { type: 'simulator' }, paperWidth: 58, pollMs: 200 },
        { id: 'till-printer', role: 'till', transport: { type: 'simulator' }, pollMs: 200 },
      ],
    }))
  })
  afterAll(() => stop())

  it('prints a voucher slip whose QR is the voucher code, with a preview', async () => {
    const { code } = await gateway.vouchers.issue({ campaignId: 12, channel: 'kiosk' })
    const res = await app.inject({
      method: 'POST',
      url: '/api/print/vouchers',
      headers: auth,
      payload: { code, requestKey: 'play-0001' },
    })
    expect(res.statusCode).toBe(202)
    const { jobId } = res.json<{ jobId: string }>()
    const sim = gateway.print.simulators.get('kiosk-printer')!
    await waitFor(() => sim.receipts.length === 1, 'slip printed')
    const slip = sim.receipts[0]!
    expect(slip.items.find((i) => i.type === 'qr')).toMatchObject({ data: code })
    const text = receiptText(slip).join('\n')
    expect(text).toContain('B店立减20元')
    // Names and plain words, never ids: no voucher key, no merchant or store id, how to use it.
    expect(text).not.toMatch(/No\. |\d+:\d+:\d+| \*|\bm-a\b/)
    expect(text).toContain('Partner stores')
    expect(text).toContain('Show this at the till to use it')
    await waitFor(
      async () =>
        (await app.inject({ method: 'GET', url: `/api/print/jobs/${jobId}`, headers: auth })).json<{ state: string }>()
          .state === 'done',
      'job done',
    )
    const again = await app.inject({
      method: 'POST',
      url: '/api/print/vouchers',
      headers: auth,
      payload: { code, requestKey: 'play-0001' },
    })
    expect(again.json()).toMatchObject({ jobId, repeated: true })
    const preview = await app.inject({ method: 'GET', url: `/api/print/jobs/${jobId}/preview`, headers: auth })
    expect(preview.headers['content-type']).toContain('image/svg+xml')
    expect(preview.body).toContain('B店立减20元')
    expect(preview.body).toMatch(/<path d="M/)
    expect((await app.inject({ method: 'GET', url: `/api/print/jobs/${jobId}/preview` })).statusCode).toBe(401)
  })

  it("opens the preview from the job's signed link without a token, and only that job's, only until it expires", async () => {
    const { code } = await gateway.vouchers.issue({ campaignId: 12, channel: 'kiosk' })
    const { jobId, previewUrl } = (
      await app.inject({ method: 'POST', url: '/api/print/vouchers', headers: auth, payload: { code } })
    ).json<{ jobId: string; previewUrl: string }>()
    expect(previewUrl).toMatch(new RegExp(`^/api/print/jobs/${jobId}/preview\\?exp=\\d+&sig=[\\w-]{43}$`))
    const opened = await app.inject({ method: 'GET', url: previewUrl })
    expect(opened.statusCode).toBe(200)
    expect(opened.headers['content-type']).toContain('image/svg+xml')
    expect((await app.inject({ method: 'GET', url: `/api/print/jobs/${jobId}`, headers: auth })).json()).toMatchObject({
      previewUrl: expect.stringContaining(`/api/print/jobs/${jobId}/preview?exp=`),
    })
    // Another job's path with this job's signature, a changed expiry, a changed signature: refused.
    const [, query] = previewUrl.split('?')
    const other = (
      await app.inject({
        method: 'POST',
        url: '/api/print/test-page',
        headers: auth,
        payload: { printer: 'kiosk-printer' },
      })
    ).json<{ jobId: string }>().jobId
    const exp = Number(/exp=(\d+)/.exec(previewUrl)![1])
    for (const url of [
      `/api/print/jobs/${other}/preview?${query}`,
      previewUrl.replace(`exp=${exp}`, `exp=${exp + 1}`),
      previewUrl.replace(/sig=./, (m) => (m.endsWith('A') ? 'sig=B' : 'sig=A')),
    ]) {
      const res = await app.inject({ method: 'GET', url })
      expect(res.statusCode, url).toBe(403)
      expect(res.json()).toMatchObject({ error: 'bad_link' })
    }
    const expired = gateway.app.services.links.sign(`/api/print/jobs/${jobId}/preview`, -1000)
    expect((await app.inject({ method: 'GET', url: expired })).json()).toMatchObject({ error: 'link_expired' })
  })

  it('prints a test page, reprints it, refuses to cancel a finished job, and reports printers on /api/status', async () => {
    const sim = gateway.print.simulators.get('kiosk-printer')!
    const before = sim.receipts.length
    const { jobId } = (
      await app.inject({
        method: 'POST',
        url: '/api/print/test-page',
        headers: auth,
        payload: { printer: 'kiosk-printer' },
      })
    ).json<{ jobId: string }>()
    await waitFor(() => sim.receipts.length === before + 1, 'test page')
    expect(receiptText(sim.receipts.at(-1)!)).toEqual(
      expect.arrayContaining(['TILLSIDE TEST', 'PAGE', '打印测试页', '中文打印正常：扫码领券，到店核销']),
    )
    await waitFor(() => gateway.print.job(jobId).state === 'done', 'done')
    const reprint = await app.inject({ method: 'POST', url: `/api/print/jobs/${jobId}/reprint`, headers: auth })
    expect(reprint.statusCode).toBe(202)
    await waitFor(() => sim.receipts.length === before + 2, 'reprinted')
    expect(
      (await app.inject({ method: 'POST', url: `/api/print/jobs/${jobId}/cancel`, headers: auth })).json(),
    ).toMatchObject({ error: 'not_cancellable' })
    expect(
      (await app.inject({ method: 'GET', url: '/api/print/jobs/01JZZZZZZZZZZZZZZZZZZZZZZZ', headers: auth }))
        .statusCode,
    ).toBe(404)
    expect(
      (await app.inject({ method: 'POST', url: '/api/print/test-page', headers: auth, payload: { printer: 'nope' } }))
        .statusCode,
    ).toBe(404)
    const status = (await app.inject({ method: 'GET', url: '/api/status' })).json<{
      printers: { id: string; state: string }[]
    }>()
    expect(status.printers).toEqual([
      expect.objectContaining({ id: 'kiosk-printer', state: 'online' }),
      expect.objectContaining({ id: 'till-printer' }),
    ])
  })

  it('prints a redemption slip at the till for each redemption, once', async () => {
    const { code, key } = await gateway.vouchers.issue({ campaignId: 12, channel: 'kiosk' })
    expect((await gateway.devices.simulateScan('till-scanner', code)).ok).toBe(true)
    expect((await gateway.devices.simulateScan('till-scanner', code)).ok).toBe(true) // already redeemed: no slip
    const sim = () => gateway.print.simulators.get('till-printer')
    await waitFor(() => sim()?.receipts.length === 1, 'redemption slip')
    const text = receiptText(sim()!.receipts[0]!)
    expect(text).toContain('优惠券核销 VOUCHER REDEEMED')
    expect(text.join('\n')).toContain(key)
    await new Promise((r) => setTimeout(r, 300))
    expect(sim()!.receipts).toHaveLength(1)
  })

  it('cancels a queued job while the printer is out of paper; paper out and back are printer events on the bus', async () => {
    const sim = gateway.print.simulators.get('kiosk-printer')!
    const changes: string[] = []
    gateway.bus.on('test', 'printer.state', (c) => void changes.push(`${c.printerId}:${c.state}`))
    sim.condition.paperOut = true
    const { jobId } = (
      await app.inject({
        method: 'POST',
        url: '/api/print/test-page',
        headers: auth,
        payload: { printer: 'kiosk-printer' },
      })
    ).json<{ jobId: string }>()
    await waitFor(() => gateway.print.printers()[0]!.state === 'paper_out', 'paper out')
    expect(
      (await app.inject({ method: 'POST', url: `/api/print/jobs/${jobId}/cancel`, headers: auth })).json(),
    ).toMatchObject({ state: 'cancelled' })
    const count = sim.receipts.length
    sim.condition.paperOut = false
    await new Promise((r) => setTimeout(r, 400))
    expect(sim.receipts.length).toBe(count)
    await waitFor(() => changes.includes('kiosk-printer:online'), 'back online')
    expect(changes).toEqual(['kiosk-printer:paper_out', 'kiosk-printer:online'])
    gateway.bus.off('test')
  })

  it('keeps each simulated slip in dataDir/print-sim as text and as an SVG picture', () => {
    const dir = join(gateway.app.services.config.dataDir, 'print-sim')
    const files = readdirSync(dir).filter((f) => f.startsWith('kiosk-printer-'))
    const texts = files.filter((f) => f.endsWith('.txt'))
    expect(texts.length).toBe(gateway.print.simulators.get('kiosk-printer')!.receipts.length)
    for (const t of texts) expect(files).toContain(t.replace(/\.txt$/, '.svg'))
    const svg = readFileSync(join(dir, texts.sort()[0]!.replace(/\.txt$/, '.svg')), 'utf8')
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="384"/) // 58 mm paper
    expect(svg).toContain('B店立减20元')
  })
})
