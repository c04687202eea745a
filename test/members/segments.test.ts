/** RFM quintiles, the top 20 % and the Pareto curve, and each member's stage, from profile rows. */
import { describe, expect, it } from 'vitest'
import { computeSegments, quintiles } from '../../gateway/members/segments.js'
import { windowStart } from '../../gateway/members/member-segments.js'
import { paretoChart } from '../../gateway/http/admin/pareto-chart.js'
import { columnsOf } from '../../gateway/store/read/segment-reads.js'

const DAY = 86_400_000
const NOW = Date.UTC(2026, 11, 3, 12)
const RULES = { windowMonths: 12, newDays: 30, lapsingDays: 60, lostDays: 180 }

describe('member segments', () => {
  it('scores in quintiles, equal values alike, 5 the best', () => {
    expect([...quintiles([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])]).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
    expect([...quintiles([0, 0, 0, 0, 9])]).toEqual([1, 1, 1, 1, 5])
    expect([...quintiles([])]).toEqual([])
  })

  it('finds the top 20 % by value, their share of sales, and the Pareto curve', () => {
    // 10 members: two bring 8,000 of 10,000 in sales; three bought nothing.
    const monetary = [5_000, 3_000, 600, 500, 400, 300, 200, 0, 0, 0]
    const rows = monetary.map((m, i) => ({
      member: `m${i}`,
      firstSeen: NOW - 400 * DAY,
      lastSeen: NOW - i * DAY,
      frequency: 10 - i,
      monetary: m,
    }))
    const r = computeSegments(columnsOf(rows), RULES, NOW)
    expect(r.top).toEqual({ members: 2, sales: 8_000, share: 0.8 })
    expect([...r.scores].filter((s) => s.top).map((s) => s.member)).toEqual(['m0', 'm1'])
    expect(r.pareto).toHaveLength(20)
    expect(r.pareto[3]).toBeCloseTo(0.8) // the best 20 %
    expect(r.pareto[19]).toBe(1)
    expect(r.scores.at(0)).toMatchObject({ r: 5, f: 5, m: 5 })
    expect(r.scores.at(9)).toMatchObject({ r: 1, f: 1, m: 1 })
  })

  it('never calls a member who bought nothing "top", and tells new, regular, lapsing and lost apart', () => {
    const row = (member: string, firstDays: number, lastDays: number, monetary = 0) => ({
      member,
      firstSeen: NOW - firstDays * DAY,
      lastSeen: NOW - lastDays * DAY,
      frequency: 1,
      monetary,
    })
    const r = computeSegments(
      columnsOf([row('new', 3, 1), row('regular', 300, 5, 100), row('lapsing', 300, 90), row('lost', 900, 400)]),
      RULES,
      NOW,
    )
    expect(r.lifecycle).toEqual({ new: 1, regular: 1, lapsing: 1, lost: 1 })
    expect([...r.scores].map((s) => s.lifecycle)).toEqual(['new', 'regular', 'lapsing', 'lost'])
    expect(r.top.members).toBe(1)
    expect(computeSegments(columnsOf([row('a', 1, 1), row('b', 1, 1)]), RULES, NOW).top).toEqual({
      members: 0,
      sales: 0,
      share: 0,
    })
  })

  it('starts the window the right number of months back, across a year', () => {
    expect(windowStart(new Date(2026, 11, 15).getTime(), 12)).toBe(202601)
    expect(windowStart(new Date(2026, 1, 15).getTime(), 3)).toBe(202512)
    expect(windowStart(new Date(2026, 1, 15).getTime(), 1)).toBe(202602)
  })

  it('draws the Pareto curve: 20 bars, the top 20 % marked, the 80 % line', () => {
    const svg = paretoChart(
      Array.from({ length: 20 }, (_, i) => Math.min(1, (i + 1) / 5)),
      'Share of sales',
      'top 20 %',
    )
    expect(svg.match(/<rect/g)).toHaveLength(20)
    expect(svg.match(/<rect class="top"/g)).toHaveLength(4)
    expect(svg).toContain('<title>20%: 80%</title>')
    expect(svg).toContain('class="ref"')
    expect(svg).toContain('aria-label="Share of sales"')
  })
})
