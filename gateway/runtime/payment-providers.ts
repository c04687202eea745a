/**
 * The payment provider the config names, with its keys read from the data dir: a private
 * key readable by anyone but the gateway's user is refused at start, naming the key.
 */
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { createPrivateKey, createPublicKey } from 'node:crypto'
import type { Config } from '../../config/schema.js'
import { ConfigError } from '../../config/load.js'
import { NO_PROVIDER, type PaymentProvider } from '../payments/payment-provider.js'
import { SandboxProvider } from '../payments/sandbox-provider.js'
import { AlipayProvider } from '../payments/alipay/alipay-provider.js'

export function paymentProvider(config: Pick<Config, 'payments' | 'dataDir' | 'store'>): PaymentProvider {
  const { payments, dataDir } = config
  if (payments.provider === 'sandbox') return new SandboxProvider()
  if (payments.provider !== 'alipay') return NO_PROVIDER
  const a = payments.alipay!
  const file = (key: string, name: string, secret: boolean) => {
    const path = join(dataDir, name)
    try {
      if (secret && (statSync(path).mode & 0o077) !== 0) throw new Error(`${path} may be read by others: chmod 600 it`)
      return readFileSync(path, 'utf8')
    } catch (err) {
      throw new ConfigError('config', [{ path: `payments.alipay.${key}`, message: (err as Error).message }])
    }
  }
  return new AlipayProvider({
    appId: a.appId,
    gatewayUrl: a.gatewayUrl,
    privateKey: createPrivateKey(file('privateKeyFile', a.privateKeyFile, true)),
    alipayPublicKey: createPublicKey(file('alipayPublicKeyFile', a.alipayPublicKeyFile, false)),
    ca: a.caFile === undefined ? undefined : file('caFile', a.caFile, false),
    subject: a.subject ?? config.store.name,
    timeoutMs: a.timeoutMs,
  })
}
