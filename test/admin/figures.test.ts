/** The charts' data from the rollups: today per hour and the last days per day, for a logged-in manager only. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashPassword } from '../../gateway/auth/secrets.js'
import { loggedIn } from '../helpers/admin.js'
import { startStoreGateway } from '../helpers/vouchers.js'

const PASSWORD = 'correct horse battery'

describe('back office figures', () => {
  let g: Awaited<ReturnType<typeof startStoreGateway>>
  beforeAll(async () => {
    g = await startStoreGateway({
      dev: true,
      admin: { users: [{ id: 'mei', name: 'Mei', role: 'manager', passwordHash: await hashPassword(PASSWORD) }] },
      devices: [{ id: 'till-scanner', kind: 'scanner', role: 'till', transport: { type: 'simulator' } }],
    })
  })
  afterAll(() => g?.stop())

  it("counts today's scans, issues and redemptions in this hour, and the days before as zero", async () => {
    for (const code of ['4006381333931', '9780201379624', '5012345678900'])
      expect((await g.gateway.devices.simulateScan('till-scanner', code)).ok).toBe(true)
    const { code } = await g.gateway.vouchers.issue({ campaignId: 12, channel: 'cli' })
    expect((await g.gateway.devices.simulateScan('till-scanner', code)).ok).toBe(true) // redeemed at the till
    const b = await loggedIn(g.app, 'mei', PASSWORD)
    const todayRes = await b.get('/admin/api/today')
    expect(todayRes.statusCode).toBe(200)
    const today = todayRes.json<{ at: number[]; count: Record<string, number[]>; amount: Record<string, number[]> }>()
    expect(today.at.length).toBeGreaterThanOrEqual(23) // 23–25 around a DST change
    const hour = today.at.findLastIndex((t) => t <= Date.now())
    expect(today.count.scans![hour]).toBe(4)
    expect(today.count.issued![hour]).toBe(1)
    expect(today.count.redeemed![hour]).toBe(1)
    expect(today.amount.redeemed![hour]).toBe(2000)
    const week = (await b.get('/admin/api/trends?days=7')).json<{ at: number[]; count: Record<string, number[]> }>()
    expect(week.at).toHaveLength(7)
    expect(week.count.scans).toEqual([0, 0, 0, 0, 0, 0, 4])
    expect((await b.get('/admin/api/trends?days=90')).json<{ at: number[] }>().at).toHaveLength(90)
    expect((await b.get('/admin/api/trends?days=5')).statusCode).toBe(400)
    expect((await g.app.inject({ method: 'GET', url: '/admin/api/today' })).statusCode).toBe(401)
  })
})
