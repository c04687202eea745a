/**
 * The payment provider the config names, with its keys read from the data dir: a secret
 * readable by anyone but the gateway's user is refused at start, naming its key.
 */
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { createPrivateKey, createPublicKey } from 'node:crypto'
import type { Config } from '../../config/schema.js'
import { ConfigError } from '../../config/load.js'
import { NO_PROVIDER, type PaymentProvider } from '../payments/payment-provider.js'
import { SandboxProvider } from '../payments/sandbox-provider.js'
import { AlipayProvider } from '../payments/alipay/alipay-provider.js'
import { WechatProvider } from '../payments/wechat/wechat-provider.js'
import { WalletRouter } from '../payments/wallet-router.js'

export function paymentProvider(config: Pick<Config, 'payments' | 'dataDir' | 'store'>): PaymentProvider {
  const { payments, dataDir } = config
  if (payments.provider === 'sandbox') return new SandboxProvider()
  if (payments.provider !== 'wallets') return NO_PROVIDER
  const file = (key: string, name: string, secret: boolean): Buffer => {
    const path = join(dataDir, name)
    try {
      if (secret && (statSync(path).mode & 0o077) !== 0) throw new Error(`${path} may be read by others: chmod 600 it`)
      return readFileSync(path)
    } catch (err) {
      throw new ConfigError('config', [{ path: `payments.${key}`, message: (err as Error).message }])
    }
  }
  const a = payments.alipay
  const w = payments.wechat
  return new WalletRouter({
    ...(a && {
      alipay: new AlipayProvider({
        appId: a.appId,
        gatewayUrl: a.gatewayUrl,
        privateKey: createPrivateKey(file('alipay.privateKeyFile', a.privateKeyFile, true)),
        alipayPublicKey: createPublicKey(file('alipay.alipayPublicKeyFile', a.alipayPublicKeyFile, false)),
        ca: a.caFile === undefined ? undefined : file('alipay.caFile', a.caFile, false).toString(),
        subject: a.subject ?? config.store.name,
        timeoutMs: a.timeoutMs,
      }),
    }),
    ...(w && {
      wechat: new WechatProvider({
        appId: w.appId,
        mchId: w.mchId,
        apiKey: file('wechat.apiKeyFile', w.apiKeyFile, true).toString().trim(),
        clientCert: file('wechat.clientCertFile', w.clientCertFile, false),
        clientKey: file('wechat.clientKeyFile', w.clientKeyFile, true),
        gatewayUrl: w.gatewayUrl,
        ca: w.caFile === undefined ? undefined : file('wechat.caFile', w.caFile, false).toString(),
        body: w.body ?? config.store.name,
        terminalIp: w.terminalIp,
        timeoutMs: w.timeoutMs,
      }),
    }),
  })
}
