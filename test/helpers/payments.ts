/** Payment-code charges as a POS makes them, for the payment tests. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../../config/schema.js'
import { silentLogger } from '../../gateway/log.js'
import { Gateway } from '../../gateway/runtime/gateway.js'
import { generateKeyPairSync } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { FakeAlipay } from '../../scripts/fake-alipay.js'
import { makeCertChain } from './certs.js'
import { POS_TOKEN, makeChain } from './vouchers.js'

/** A started gateway whose data dir first gets `files` (keys, certificates), mode 0600. */
export async function gatewayWithFiles(config: Config, files: Record<string, string | Buffer>): Promise<Gateway> {
  mkdirSync(config.dataDir, { recursive: true })
  for (const [name, content] of Object.entries(files))
    writeFileSync(join(config.dataDir, name), content, { mode: 0o600 })
  const gateway = await Gateway.open({ config, log: silentLogger() })
  await gateway.start()
  return gateway
}

/** A POS's charges on `app()` (a function: a test may restart its gateway), keys made up per call unless given. */
export function posCharges(app: () => FastifyInstance, prefix: string) {
  let n = 0
  const charge = (code: string, idempotencyKey = `${prefix}-${++n}`, amount = 1_250) =>
    app().inject({
      method: 'POST',
      url: '/api/pos/payments/charge',
      payload: { idempotencyKey, authCode: code, amount, currency: 'CNY' },
      headers: { authorization: `Bearer ${POS_TOKEN}` },
    })
  /** Asks again with the same key until the charge is decided, as a POS does after a 202. */
  async function untilDecided(code: string, key: string) {
    for (let i = 0; i < 400; i++) {
      const r = await charge(code, key)
      if (r.statusCode !== 202) return r
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    throw new Error(`charge ${key} still pending`)
  }
  const refund = (chargeKey: string, amount: number, idempotencyKey = `${prefix}-refund-${++n}`) =>
    app().inject({
      method: 'POST',
      url: '/api/pos/payments/refund',
      payload: { idempotencyKey, chargeKey, amount },
      headers: { authorization: `Bearer ${POS_TOKEN}` },
    })
  return { charge, untilDecided, refund }
}

/**
 * A local Alipay (scripts/fake-alipay.ts) and a started gateway of store shop-a charging
 * Alipay codes through it, its keys in the data dir; `payments` adds to the payments config.
 */
export async function alipayGateway(dir: string, payments: object = {}, alipayTimeoutMs = 2_000) {
  const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const certs = makeCertChain(join(dir, 'certs'), [])
  const alipay = await new FakeAlipay(
    { cert: readFileSync(certs.server.cert), key: readFileSync(certs.server.key) },
    merchant.publicKey,
  ).start()
  const chain = await makeChain(dir, [{ id: 'shop-a', merchant: 'm-a' }], undefined, {
    payments: {
      provider: 'wallets',
      ...payments,
      alipay: {
        appId: '2021000000000001',
        gatewayUrl: alipay.url,
        caFile: 'alipay-ca.pem',
        timeoutMs: alipayTimeoutMs,
      },
    },
  })
  const config = chain.stores.get('shop-a')!.config
  const gateway = await gatewayWithFiles(config, {
    'alipay-app-private-key.pem': merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    'alipay-public-key.pem': alipay.keys.publicKey.export({ type: 'spki', format: 'pem' }),
    'alipay-ca.pem': readFileSync(certs.ca),
  })
  return { alipay, gateway, config }
}
