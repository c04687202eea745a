/**
 * kiosk.play: a tap on Play → the drawn prize available to the page (one POST from the
 * page in headless Chromium to the built gateway: member check, draw, stock, voucher
 * issue, journal fsync, signing, slip queued). kiosk.load: a cold page load (fresh
 * browser context, empty cache) → the page's "ready" mark, in Debian's Chromium.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { freePort, spawnGateway, stopGateway } from './gateway-process.js'
import { percentile, report, round } from './report.js'
import { hashToken } from '../../gateway/auth/secrets.js'

const PLAYS = 500
const KIOSK_TOKEN = 'bench-kiosk-token-0123456789'
const LOADS = 30
const CAMPAIGNS = fileURLToPath(new URL('../../../config/campaigns.example.yaml', import.meta.url))

export async function benchKiosk(dir: string): Promise<void> {
  const port = await freePort()
  const config = join(dir, 'kiosk.yaml')
  writeFileSync(
    config,
    `store: { id: bench, name: Bench, merchant: demo-merchant }\ndev: true\ndataDir: ${join(dir, 'data')}\nhttp: { port: ${port} }\nlog: { level: warn }\n` +
      `vouchers: { campaignsFile: ${CAMPAIGNS} }\n` +
      'devices:\n  - { id: kiosk-scanner, kind: scanner, role: kiosk, transport: { type: simulator } }\n' +
      'printers:\n  - { id: kiosk-printer, role: kiosk, transport: { type: simulator } }\n' +
      `kiosk: { credentials: [{ name: bench, device: kiosk-scanner, tokenHash: '${hashToken(KIOSK_TOKEN)}' }], limits: { identifiesPerMinute: 600, playsPerMinute: 600, playsPerHour: 10000 },\n` +
      '  game: { playsPerMemberPerDay: 100, prizes: [{ id: coffee, campaign: 2, stock: 200 }, { id: twenty, campaign: 1, stock: 100 }], consolation: { campaign: 4, weight: 30 } } }\n',
  )
  const gateway = await spawnGateway(config, port)
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
  try {
    const url = `http://127.0.0.1:${port}/kiosk`
    // What the Electron shell does from its token file: the kiosk cookie, before the page loads.
    const kioskContext = async () => {
      const context = await browser.newContext()
      await context.addCookies([
        {
          name: 'tillside_kiosk',
          value: KIOSK_TOKEN,
          url: `http://127.0.0.1:${port}`,
          httpOnly: true,
          sameSite: 'Strict',
        },
      ])
      return context
    }
    const loads: number[] = []
    for (let i = 0; i < LOADS; i++) {
      const context = await kioskContext() // cold: no cache, no session; only the kiosk's cookie
      const page = await context.newPage()
      await page.goto(url)
      await page.waitForSelector('body[data-ready="true"]')
      loads.push(await page.evaluate(() => performance.getEntriesByName('kiosk-ready')[0]!.startTime))
      await context.close()
    }
    const page = await (await kioskContext()).newPage()
    await page.goto(url)
    await page.waitForSelector('body[data-ready="true"]')
    // The page's own request, timed where the page sees it; members play up to the daily limit.
    const plays: number[] = await page.evaluate(async (count) => {
      const post = (path: string, body: object) =>
        fetch(path, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).then((r) => r.json() as Promise<{ player: string; voucher?: unknown }>)
      const out: number[] = []
      let player = ''
      for (let i = 0; i < count + 20; i++) {
        if (i % 100 === 0)
          player = (
            await post('/api/kiosk/identify', {
              phone: `1380000${String(1000 + i / 100)}`,
              consents: { membership: true },
            })
          ).player
        const t0 = performance.now()
        const result = await post('/api/kiosk/play', { playId: `bench-play-${String(i).padStart(8, '0')}`, player })
        if (!result.voucher) throw new Error(`play refused: ${JSON.stringify(result)}`)
        if (i >= 20) out.push(performance.now() - t0)
      }
      return out
    }, PLAYS)
    plays.sort((a, b) => a - b)
    loads.sort((a, b) => a - b)
    for (const p of [50, 99] as const)
      report({
        bench: 'kiosk.play',
        metric: `p${p}`,
        value: round(percentile(plays, p), 2),
        unit: 'ms',
        samples: PLAYS,
      })
    report({
      bench: 'kiosk.load',
      metric: 'median',
      value: round(percentile(loads, 50), 1),
      unit: 'ms',
      samples: LOADS,
    })
    report({ bench: 'kiosk.load', metric: 'max', value: round(loads.at(-1)!, 1), unit: 'ms', samples: LOADS })
  } finally {
    await browser.close()
    await stopGateway(gateway)
  }
}
