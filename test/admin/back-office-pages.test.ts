/**
 * The back office's pages through the gateway's real HTTP stack: who may open what,
 * a voucher's life, the print queue's reprint and cancel (journaled with who), members
 * found by phone and shown masked, campaigns and the draw check, and the daily report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashPassword, hashPin, hashToken } from '../../gateway/auth/secrets.js'
import { browser, csrfOf, loggedIn } from '../helpers/admin.js'
import { CASHIER_PIN, POS_TOKEN, campaign, startStoreGateway } from '../helpers/vouchers.js'
import { waitFor } from '../helpers/wait.js'

const PASSWORD = 'correct horse battery'
type Event = { type: string; payload: Record<string, unknown> }

describe('back office pages', () => {
  let g: Awaited<ReturnType<typeof startStoreGateway>>
  let manager: Awaited<ReturnType<typeof loggedIn>>
  let staff: Awaited<ReturnType<typeof loggedIn>>
  const events = (type: string) =>
    (
      g.gateway.journal.query('SELECT type, payload FROM events WHERE type = ?').all(type) as {
        type: string
        payload: string
      }[]
    ).map((e): Event => ({ type: e.type, payload: JSON.parse(e.payload) as Record<string, unknown> }))

  beforeAll(async () => {
    const hash = await hashPassword(PASSWORD)
    g = await startStoreGateway({
      dev: true,
      admin: {
        users: [
          { id: 'mei', name: 'Manager Mei', role: 'manager', passwordHash: hash },
          { id: 'sam', name: 'Staff Sam', role: 'staff', passwordHash: hash },
        ],
      },
      devices: [
        { id: 'till-scanner', name: 'Front till', kind: 'scanner', role: 'till', transport: { type: 'simulator' } },
      ],
      printers: [
        { id: 'kiosk-printer', name: 'Kiosk printer', role: 'kiosk', transport: { type: 'simulator' }, pollMs: 200 },
      ],
      kiosk: { game: { prizes: [{ id: 'coffee', campaign: 12, stock: 5 }] } },
      till: {
        cashiers: [{ id: 'ann', name: 'Ann <b>Lee</b>', pinHash: await hashPin(CASHIER_PIN) }],
        posTokens: [{ name: 'pos-1', tokenHash: hashToken(POS_TOKEN) }],
      },
    })
    manager = await loggedIn(g.app, 'mei', PASSWORD)
    staff = await loggedIn(g.app, 'sam', PASSWORD)
  }, 30_000)
  afterAll(() => g?.stop())

  it('lets staff reach the overview, vouchers and printing, and nothing a manager keeps', async () => {
    for (const path of ['/admin', '/admin/vouchers', '/admin/print'])
      expect((await staff.get(path)).statusCode).toBe(200)
    for (const path of ['/admin/trends', '/admin/campaigns', '/admin/members', '/admin/export', '/admin/report']) {
      const res = await staff.get(`${path}?lang=en`)
      expect(res.statusCode, path).toBe(403)
      expect(res.body).toContain('This page is for managers')
    }
    for (const path of ['/admin/api/today', '/admin/api/pipe?days=7', '/admin/export/sales.csv'])
      expect((await staff.get(path)).statusCode, path).toBe(403)
    const nav = /<nav>(.*?)<\/nav>/s.exec((await staff.get('/admin')).body)![1]!
    expect(nav).toContain('/admin/vouchers')
    expect(nav).not.toContain('/admin/members')
    for (const path of ['/admin/campaigns', '/admin/members', '/admin/export', '/admin/report'])
      expect((await manager.get(path)).statusCode, path).toBe(200)
    expect((await browser(g.app).get('/admin/vouchers')).statusCode).toBe(303) // to the login
  })

  it("tells a voucher's life: issued to a masked member, used at the till by a cashier named, voided", async () => {
    const { memberId } = await g.gateway.members.enrol({
      phone: '138 0013 8000',
      consents: { membership: true, marketing: true },
      channel: 'till',
    })
    const v = await g.gateway.vouchers.issue({ campaignId: 12, memberId, channel: 'pos', device: 'till-scanner' })
    const used = await g.gateway.vouchers.redeem(v.code, { device: 'till-scanner', cashier: 'ann', source: {} })
    expect(used.ok).toBe(true)
    const page = (await manager.get(`/admin/vouchers?lang=en&q=${encodeURIComponent(v.code)}`)).body
    expect(page).toContain('20 off at Shop B')
    expect(page).toContain('Already used') // as the till would say now
    expect(page).toContain('Given out by Store shop-a (cash register)')
    expect(page).toContain('to +86 138****8000')
    expect(page).not.toContain('13800138000')
    expect(page).toContain('Used at Store shop-a')
    expect(page).toContain('Front till')
    expect(page).toContain('by Ann &#60;b&#62;Lee&#60;/b&#62;') // names are escaped, never markup
    if (used.ok) expect((await g.gateway.vouchers.void(used.redemptionId, 'ann', null, null)).ok).toBe(true)
    const byNumber = (await manager.get(`/admin/vouchers?lang=en&q=${encodeURIComponent(v.key)}`)).body
    expect(byNumber).toContain('Use cancelled (voided)')
    expect((await manager.get('/admin/vouchers?lang=en&q=1:12:999999')).body).toContain('No voucher with this number')
    const odd = (await manager.get(`/admin/vouchers?lang=en&q=${encodeURIComponent('"><script>x</script>')}`)).body
    expect(odd).toContain('not a voucher code we can read')
    expect(odd).not.toContain('<script>x')
  })

  it('reprints a job cut off mid-print and cancels another, journaling who did it', async () => {
    const sim = g.gateway.print.simulators.get('kiosk-printer')!
    // The printer takes the slip and then says nothing: its outcome is unknown, so the job is interrupted.
    sim.once('receipt', () => (sim.statusMode = 'silent'))
    const v = await g.gateway.vouchers.issue({ campaignId: 12, channel: 'cli' })
    const res = await g.app.inject({
      method: 'POST',
      url: '/api/print/vouchers',
      headers: { authorization: `Bearer ${POS_TOKEN}` },
      payload: { code: v.code },
    })
    expect(res.statusCode, res.body).toBe(202)
    const { jobId } = res.json<{ jobId: string }>()
    await waitFor(() => g.gateway.print.job(jobId).state === 'interrupted', 'the job interrupted', 30_000)
    sim.statusMode = 'normal'
    let page = await staff.get('/admin/print?lang=en')
    expect(page.body).toContain('Cut off — check the slip')
    expect(page.body).toContain('Kiosk printer')
    // Without the form's token nothing happens.
    expect((await staff.post(`/admin/print/${jobId}/reprint`, {})).statusCode).toBe(403)
    const reprint = await staff.post(`/admin/print/${jobId}/reprint`, { _csrf: csrfOf(page.body) })
    expect(reprint.statusCode).toBe(303)
    const queued = events('print.queued').find((e) => e.payload.reprintOf === jobId)!
    expect(queued.payload.by).toBe('admin:sam')
    page = await staff.get('/admin/print?lang=en&done=reprint')
    expect(page.body).toContain('Sent to the printer again')
    const cancel = await staff.post(`/admin/print/${jobId}/cancel`, { _csrf: csrfOf(page.body) })
    expect(cancel.statusCode).toBe(303)
    expect(events('print.cancelled').find((e) => e.payload.jobId === jobId)!.payload.by).toBe('admin:sam')
    const again = await staff.post(`/admin/print/${jobId}/cancel`, { _csrf: csrfOf(page.body) })
    expect(again.body).toContain('That job changed meanwhile')
    const preview = await staff.get(`/admin/print/${jobId}/preview`)
    expect(preview.headers['content-type']).toContain('image/svg+xml')
    expect((await staff.get('/admin/print/01ARZ3NDEKTSV4RRFFQ69G5FAV/preview')).statusCode).toBe(404)
  }, 60_000)

  it('finds a member by phone, shown masked, and says plainly when the number is wrong', async () => {
    const page = (await manager.get(`/admin/members?lang=en&phone=${encodeURIComponent('+86 138-0013-8000')}`)).body
    expect(page).toContain('+86 138****8000')
    expect(page).not.toContain('13800138000')
    expect(page).toMatch(/Agreed to offers<\/dt><dd>Yes/)
    expect(page).toMatch(/Vouchers given<\/dt><dd>1</)
    expect(page).toMatch(/Visits \(days here\)<\/dt><dd>1 · last /)
    expect(page).toMatch(/Card balance<\/dt><dd>¥0\.00</)
    expect((await manager.get('/admin/members?lang=en&phone=12345')).body).toContain('not a phone number we can read')
    expect((await manager.get('/admin/members?lang=en&phone=13900139000')).body).toContain('No member has this phone')
    expect(page).toMatch(/Members<\/span><strong>1</)
  })

  it('shows member value (top 20 %, the Pareto curve, stages) and exports the segments as CSV', async () => {
    const page = (await manager.get('/admin/members?lang=en')).body
    expect(page).toContain('Top 20 % of members')
    expect(page).toContain('No sales are linked to members yet') // the Pareto chart waits for sales
    expect(page).toMatch(/New<\/td><td class="num">1</)
    const csv = await manager.get('/admin/members/segments.csv?lang=en')
    expect(csv.headers['content-type']).toContain('text/csv')
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
    expect(lines[0]).toBe(
      'Member,Stage,Top 20 %,Recency (1–5),Frequency (1–5),Value (1–5),RFM,Days since last visit,Visits in window,Sales in window,Tags',
    )
    expect(lines).toHaveLength(2)
    expect(lines[1]).toMatch(/^[0-9a-f]{20},New,No,/)
    expect((await staff.get('/admin/members/segments.csv')).statusCode).toBe(403)
  })

  it('puts tags on a member by hand, shows and exports them, and takes them off', async () => {
    const phone = '13800138000'
    const member = g.gateway.members.findByPhone(phone)!
    const page = await manager.get(`/admin/members?lang=en&phone=${phone}`)
    expect(page.body).toContain('No tags')
    const form = { _csrf: csrfOf(page.body), member, phone }
    expect((await manager.post('/admin/members/tag', { ...form, tag: ' wholesale ' })).statusCode).toBe(303)
    expect((await manager.post('/admin/members/tag', { ...form, tag: 'x'.repeat(33) })).body).toContain(
      'A tag is 1 to 32 characters',
    )
    const tagged = await manager.get(`/admin/members?lang=en&phone=${phone}`)
    expect(tagged.body).toContain('<span>wholesale</span>')
    const csv = (await manager.get('/admin/members/segments.csv?lang=en')).body
    expect(csv.trim().split('\r\n')[1]).toMatch(/,wholesale$/)
    await manager.post('/admin/members/tag', { ...form, tag: 'wholesale', action: 'remove' })
    expect((await manager.get(`/admin/members?lang=en&phone=${phone}`)).body).toContain('No tags')
    const events = g.gateway.journal.reader
      .prepare("SELECT payload FROM events WHERE type = 'member.tagged' ORDER BY seq")
      .pluck()
      .all() as string[]
    expect(events.map((e) => JSON.parse(e))).toEqual([
      { memberId: member, tag: 'wholesale', added: true, by: 'admin:mei' },
      { memberId: member, tag: 'wholesale', added: false, by: 'admin:mei' },
    ])
  })

  it("shows each campaign's figures and prizes, and re-runs past days' draws against their fingerprint", async () => {
    const memberId = g.gateway.members.findByPhone('13800138000')!
    await g.gateway.kiosk.play({ playId: 'play-0001', kiosk: null, member: memberId })
    const page = (await manager.get('/admin/campaigns?lang=en')).body
    expect(page).toContain('20 off at Shop B')
    expect(page).toMatch(/Given out here<\/dt><dd>3</)
    expect(page).toMatch(/<td class="num">4<\/td><td class="num">1<\/td>/) // 4 left, 1 won today
    expect(page).toContain("Today's fingerprint")
    const figures = g.gateway.app.services.backOffice.figures
    // Uses count redemptions; a void is its own figure (the daily report's "Uses cancelled").
    expect(figures.campaigns([campaign()])[0]).toMatchObject({ issued: 3, used: 1, expired: 0 })
    expect(figures.fairness(7).past).toEqual([]) // today's seed stays secret until the day is over
    const later = figures.fairness(7, Date.now() + 48 * 3600_000)
    expect(later.past).toEqual([expect.objectContaining({ draws: 1, verified: 1, mismatched: 0 })])
  })

  it("prints the day's report from the rollups", async () => {
    const page = (await manager.get('/admin/report?lang=en')).body
    expect(page).toMatch(/Vouchers given out<\/span><strong>3</)
    expect(page).toMatch(/Uses cancelled<\/span><strong>1</)
    expect(page).toMatch(/New members<\/span><strong>1</)
    expect(page).toContain('Printed by Manager Mei')
    expect(page).toContain('<script type="module" src="/admin/report.js">')
  })
})
