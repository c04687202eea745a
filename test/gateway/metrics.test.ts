/** /metrics through a real gateway: Prometheus text, live figures, the token, and no guest access. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashToken } from '../../gateway/auth/secrets.js'
import { startStoreGateway } from '../helpers/vouchers.js'

const TOKEN = 'metrics-token-0123456789abcdef'

describe('/metrics', () => {
  let g: Awaited<ReturnType<typeof startStoreGateway>>
  beforeAll(async () => {
    g = await startStoreGateway({
      dev: true,
      devices: [{ id: 'till-scanner', kind: 'scanner', role: 'till', transport: { type: 'simulator' } }],
      printers: [{ id: 'kiosk-printer', role: 'kiosk', transport: { type: 'simulator' }, pollMs: 200 }],
      metrics: { tokenHash: hashToken(TOKEN) },
    })
  })
  afterAll(() => g?.stop())

  const scrape = (token?: string) =>
    g.app.inject({ method: 'GET', url: '/metrics', headers: token ? { authorization: `Bearer ${token}` } : {} })
  /** A sample's value, by its name and labels as printed. */
  const sample = (text: string, series: string) =>
    Number(new RegExp(`^${series.replace(/[{}()|.+*?[\]^$\\]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN)

  it('asks for its bearer token when one is configured', async () => {
    expect((await scrape()).statusCode).toBe(401)
    expect((await scrape('wrong-token-0123456789abcdef')).statusCode).toBe(401)
    expect((await scrape(TOKEN)).statusCode).toBe(200)
  })

  it('reports the journal, devices, print queues, sync and HTTP routes as they are now', async () => {
    const before = sample((await scrape(TOKEN)).body, 'tillside_journal_appended_events_total')
    await g.gateway.devices.simulateScan('till-scanner', 'PRODUCT-4006381333931')
    await g.app.inject({ method: 'GET', url: '/healthz' })
    const res = await scrape(TOKEN)
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = res.body
    expect(sample(text, 'tillside_journal_appended_events_total')).toBeGreaterThan(before)
    expect(sample(text, 'tillside_journal_last_seq')).toBe(g.gateway.journal.getHealth().lastSeq)
    expect(sample(text, 'tillside_journal_commit_seconds_count')).toBeGreaterThan(0)
    expect(sample(text, 'tillside_journal_state{state="ok"}')).toBe(1)
    expect(sample(text, 'tillside_device_state{device="till-scanner",state="online"}')).toBe(1)
    expect(sample(text, 'tillside_print_queue_jobs{printer="kiosk-printer"}')).toBe(0)
    expect(text).toMatch(/^tillside_sync_state\{state="\w+"\} 1$/m)
    // Routes by pattern, not by URL: one series per route however many codes are looked up.
    expect(
      sample(text, 'tillside_http_request_duration_seconds_count{method="GET",route="/healthz",status="2xx"}'),
    ).toBe(1)
    await g.app.inject({ method: 'GET', url: '/v/TS1:AAA' })
    await g.app.inject({ method: 'GET', url: '/v/TS1:BBB' })
    const after = (await scrape(TOKEN)).body
    expect(after).toMatch(/route="\/v\/:code"/)
    expect(after).not.toMatch(/TS1:AAA/)
    expect(after).toMatch(/^process_resident_memory_bytes \d+/m)
  })
})

describe('/metrics from the guest Wi-Fi', () => {
  it('is refused like the rest of the main listener', async () => {
    const g = await startStoreGateway({ portal: { guestNetworks: ['127.0.0.0/8'] } })
    try {
      expect((await g.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(403)
    } finally {
      await g.stop()
    }
  })
})
