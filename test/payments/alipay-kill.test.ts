/**
 * A charge in flight when the gateway is SIGKILLed: the built gateway (`tillside start`)
 * charges a code against the local Alipay, the customer is still confirming when the
 * process is killed; the customer confirms while it is down; started again, the gateway
 * finds the charge in its journal, asks Alipay and records it paid — charged once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { generateKeyPairSync } from 'node:crypto'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import Database from 'better-sqlite3'
import { stringify } from 'yaml'
import { hashToken } from '../../gateway/auth/secrets.js'
import { outTradeNo } from '../../gateway/payments/payment-provider.js'
import { DB_FILE } from '../../gateway/runtime/gateway.js'
import { startGatewayProcess } from '../helpers/cli.js'
import { makeCertChain } from '../helpers/certs.js'
import { FakeAlipay } from '../../scripts/fake-alipay.js'
import { requireProgram } from '../helpers/system.js'
import { tempDir } from '../helpers/tmp.js'
import { POS_TOKEN } from '../helpers/vouchers.js'

const ready = requireProgram('openssl', 'Alipay charge across a SIGKILL')

describe.skipIf(!ready)('a payment-code charge across a SIGKILL of the gateway', () => {
  let tmp: ReturnType<typeof tempDir>
  let alipay: FakeAlipay
  let configFile: string
  let dataDir: string
  let child: ChildProcess | null = null

  const charge = (address: string, key: string) =>
    fetch(`${address}/api/pos/payments/charge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${POS_TOKEN}` },
      body: JSON.stringify({ idempotencyKey: key, authCode: '284761234567892222', amount: 8_800, currency: 'CNY' }),
    })

  beforeAll(async () => {
    tmp = tempDir()
    dataDir = join(tmp.dir, 'data')
    mkdirSync(dataDir, { recursive: true })
    const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const certs = makeCertChain(join(tmp.dir, 'certs'), [])
    alipay = await new FakeAlipay(
      { cert: readFileSync(certs.server.cert), key: readFileSync(certs.server.key) },
      merchant.publicKey,
    ).start()
    const file = (name: string, text: string) => writeFileSync(join(dataDir, name), text, { mode: 0o600 })
    file('alipay-app-private-key.pem', merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string)
    file('alipay-public-key.pem', alipay.keys.publicKey.export({ type: 'spki', format: 'pem' }) as string)
    file('alipay-ca.pem', readFileSync(certs.ca, 'utf8'))
    configFile = join(tmp.dir, 'store.yaml')
    writeFileSync(
      configFile,
      stringify({
        store: { id: 'shop-k', name: 'Shop K' },
        dataDir,
        dev: true,
        http: { host: '127.0.0.1', port: 0 },
        till: { posTokens: [{ name: 'pos-1', tokenHash: hashToken(POS_TOKEN) }] },
        payments: {
          provider: 'wallets',
          confirmWithinMs: 60_000,
          queryEveryMs: 100,
          answerWithinMs: 300,
          alipay: { appId: '2021000000000001', gatewayUrl: alipay.url, caFile: 'alipay-ca.pem', timeoutMs: 2_000 },
        },
      }),
    )
  }, 60_000)
  afterAll(async () => {
    child?.kill('SIGKILL')
    await alipay?.stop()
    tmp?.cleanup()
  })

  it('resumes the charge from the journal and records it paid, charged once', async () => {
    const first = await startGatewayProcess(configFile, { bundle: true })
    child = first.child
    const pending = await charge(first.address, 'kill-test-1')
    expect(pending.status).toBe(202)
    expect(await pending.json()).toMatchObject({ status: 'pending', phase: 'confirming' })
    const exited = new Promise((resolve) => first.child.once('exit', resolve))
    first.child.kill('SIGKILL')
    await exited
    // The customer confirms on the phone while the gateway is down.
    const trade = alipay.trades.get(outTradeNo('pos-1:kill-test-1'))!
    trade.state = 'TRADE_SUCCESS'

    const second = await startGatewayProcess(configFile, { bundle: true })
    child = second.child
    let answer: { status: string; transactionId?: string } = { status: 'pending' }
    for (let i = 0; i < 200 && answer.status === 'pending'; i++) {
      answer = (await (await charge(second.address, 'kill-test-1')).json()) as typeof answer
      if (answer.status === 'pending') await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(answer).toMatchObject({ status: 'paid', transactionId: trade.tradeNo })
    expect(alipay.pays(outTradeNo('pos-1:kill-test-1'))).toBe(1)
    const exitedAgain = new Promise((resolve) => second.child.once('exit', resolve))
    second.child.kill('SIGTERM')
    await exitedAgain
    child = null
    const db = new Database(join(dataDir, DB_FILE), { readonly: true })
    const steps = db.prepare("SELECT type FROM events WHERE type LIKE 'payment.%' ORDER BY seq").pluck().all()
    db.close()
    expect(steps).toEqual(['payment.started', 'payment.pending', 'payment.paid'])
  })
})
