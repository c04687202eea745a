/**
 * Reconciliation: the providers' bills parsed as downloaded (Alipay's GBK CSV, WeChat Pay's
 * backticked CSV), and a day's charges and refunds of a real gateway (charged against the
 * local Alipay) matched against a bill made from what that Alipay holds — then against the
 * same bill with a line added, one taken away and an amount changed, through the CLI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import iconv from 'iconv-lite'
import Database from 'better-sqlite3'
import { stringify } from 'yaml'
import type { Gateway } from '../../gateway/runtime/gateway.js'
import { databasePath } from '../../gateway/runtime/gateway.js'
import { BillError, parseAlipayBill, parseWechatBill } from '../../gateway/payments/reconcile/bills.js'
import { reconcile } from '../../gateway/payments/reconcile/reconcile.js'
import { paymentRecords } from '../../gateway/store/read/payment-reads.js'
import { outTradeNo } from '../../gateway/payments/payment-provider.js'
import type { FakeAlipay } from '../../scripts/fake-alipay.js'
import { alipayGateway, posCharges } from '../helpers/payments.js'
import { requireProgram } from '../helpers/system.js'
import { runCli } from '../helpers/cli.js'
import { tempDir } from '../helpers/tmp.js'

const HEADER =
  '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,退款批次号/请求号,备注'
const alipayBill = (rows: string[]) =>
  iconv.encode(
    [
      '#支付宝业务明细查询',
      '#账号：[20880000000000000156]',
      HEADER,
      ...rows,
      '#-----------------业务明细列表结束------------',
      '#导出时间：[2026年12月03日 23:59:59]',
    ].join('\r\n'),
    'gbk',
  )
const row = (trade: string, order: string, type: '交易' | '退款', amount: string, refundNo = '') =>
  `${trade}\t,${order}\t,${type},Shop A,2026-12-03 10:00:00,2026-12-03 10:00:01,,,,,buyer@example.com,${amount},${amount},${refundNo},`

describe('bills as the providers give them', () => {
  it('reads an Alipay trade bill (GBK) and a WeChat Pay bill (backticks)', () => {
    expect(
      parseAlipayBill(
        alipayBill([row('2026120322001', 'abc', '交易', '12.50'), row('2026120322001', 'abc', '退款', '-2.50', 'r1')]),
      ),
    ).toEqual([
      {
        kind: 'charge',
        outTradeNo: 'abc',
        transactionId: '2026120322001',
        refundNo: null,
        amount: 1250,
        time: '2026-12-03 10:00:01',
      },
      {
        kind: 'refund',
        outTradeNo: 'abc',
        transactionId: '2026120322001',
        refundNo: 'r1',
        amount: 250,
        time: '2026-12-03 10:00:01',
      },
    ])
    const wechat = [
      '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注',
      '`2026-12-03 10:00:00,`wx0123456789abcdef,`1900000109,`0,`,`4200001,`def,`o123,`MICROPAY,`SUCCESS,`CMB_DEBIT,`CNY,`88.88,`0.00,`0,`0,`0.00,`0.00,`,`,`Shop A,`,`0.53,`0.60%,`88.88,`0.00,`',
      '`2026-12-03 11:00:00,`wx0123456789abcdef,`1900000109,`0,`,`4200001,`def,`o123,`MICROPAY,`REFUND,`CMB_DEBIT,`CNY,`0.00,`0.00,`5000001,`rr,`8.88,`0.00,`ORIGINAL,`SUCCESS,`Shop A,`,`-0.05,`0.60%,`0.00,`8.88,`',
      '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
      '`2,`88.88,`8.88,`0.00,`0.48,`88.88,`8.88',
    ].join('\n')
    expect(parseWechatBill(Buffer.from(wechat))).toMatchObject([
      { kind: 'charge', outTradeNo: 'def', transactionId: '4200001', amount: 8888 },
      { kind: 'refund', outTradeNo: 'def', refundNo: 'rr', amount: 888 },
    ])
    expect(() => parseWechatBill(Buffer.from('交易时间,微信订单号\n'))).toThrow(BillError)
    expect(() => parseWechatBill(Buffer.from('交易时间,微信订单号\n'))).toThrow(/no column 商户订单号/)
  })
})

const ready = requireProgram('openssl', 'reconciliation against a local Alipay')

describe.skipIf(!ready)('a day of charges reconciled against the bill', () => {
  let tmp: ReturnType<typeof tempDir>
  let alipay: FakeAlipay
  let gateway: Gateway
  let configFile: string
  const { charge, refund } = posCharges(() => gateway.app, 'reconcile-test')
  /** The local day the charges were recorded on (not the clock's: the test may run across midnight). */
  const today = () => {
    const time = gateway.journal.reader
      .prepare("SELECT updated_at FROM payment_attempts WHERE reference = 'pos-1:reconcile-a'")
      .pluck()
      .get() as number
    const d = new Date(time)
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
  }
  const reconcileCli = (file: string, ...more: string[]) =>
    runCli([
      'payments',
      'reconcile',
      '-c',
      configFile,
      '--provider',
      'alipay',
      '--file',
      file,
      '--date',
      today(),
      ...more,
    ])
  /** The bill Alipay would give for what it holds: every trade paid, every refund. */
  const billOfFake = () => [
    ...[...alipay.trades]
      .filter(([, t]) => t.state === 'TRADE_SUCCESS')
      .map(([order, t]) => row(t.tradeNo, order, '交易', t.amount)),
    ...[...alipay.refunds].map(([no, r]) =>
      row(alipay.trades.get(r.outTradeNo)!.tradeNo, r.outTradeNo, '退款', `-${r.amount}`, no),
    ),
  ]

  beforeAll(async () => {
    tmp = tempDir()
    let config
    ;({ alipay, gateway, config } = await alipayGateway(tmp.dir))
    for (const [k, amount] of [
      ['reconcile-a', 1_250],
      ['reconcile-b', 3_000],
    ] as const)
      expect((await charge('284761234567890123', k, amount)).json()).toMatchObject({ status: 'paid' })
    expect((await refund('reconcile-b', 500, 'reconcile-r1')).json()).toMatchObject({ status: 'refunded' })
    configFile = join(tmp.dir, 'store.yaml')
    writeFileSync(configFile, stringify(config))
  }, 60_000)
  afterAll(async () => {
    await gateway?.stop()
    await alipay?.stop()
    tmp?.cleanup()
  })

  it('finds nothing to say when the bill and the journal agree', async () => {
    const file = join(tmp.dir, 'bill-ok.csv')
    writeFileSync(file, alipayBill(billOfFake()))
    const r = await reconcileCli(file)
    expect(r.stdout).toContain('no differences')
    expect(r.code).toBe(0)
  })

  it('lists money taken that was not recorded, a record the bill lacks, and an amount that differs', async () => {
    const lines = billOfFake()
    const ours = lines.find((l) => l.includes(outTradeNo('pos-1:reconcile-a')))!
    const tampered = [...lines.filter((l) => l !== ours), row('2026120322009999', 'f'.repeat(32), '交易', '66.00')].map(
      (l) => (l.includes(outTradeNo('pos-1:reconcile-b')) && l.includes(',交易,') ? l.replaceAll('30.00', '31.00') : l),
    )
    const file = join(tmp.dir, 'bill-bad.csv')
    writeFileSync(file, alipayBill(tampered))
    const r = await reconcileCli(file, '--json')
    expect(r.code).toBe(1)
    const { differences } = JSON.parse(r.stdout) as {
      differences: {
        kind: string
        what: string
        reference: string | null
        ours: number | null
        theirs: number | null
      }[]
    }
    expect(differences).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'not_recorded', what: 'charge', theirs: 6_600, reference: null }),
        expect.objectContaining({ kind: 'not_in_bill', what: 'charge', reference: 'pos-1:reconcile-a', ours: 1_250 }),
        expect.objectContaining({
          kind: 'amount_differs',
          what: 'charge',
          reference: 'pos-1:reconcile-b',
          ours: 3_000,
          theirs: 3_100,
        }),
      ]),
    )
    expect(differences).toHaveLength(3)
    // The same logic in-process, from the journal as it stands.
    const db = new Database(databasePath(gateway.app.services.config), { readonly: true })
    const all = paymentRecords(db, 'alipay', 0, Date.now() + 1)
    db.close()
    expect(reconcile(parseAlipayBill(alipayBill(billOfFake())), { day: all, around: all })).toEqual([])
  })
})
