/**
 * A small chain for tests: an operator root key, stores with their own data dirs and
 * issuer keys, a trust list signed by the root, and a campaign file — exactly what an
 * operator would set up, through the real key, trust list and config code.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { parseConfig } from '../../config/load.js'
import type { Config } from '../../config/schema.js'
import { generateKeyPair, loadOrCreateKeyPair, type KeyPair } from '../../gateway/vouchers/keys.js'
import { ISSUER_KEY_FILE } from '../../gateway/vouchers/voucher-authority.js'
import { signTrustList, TRUST_LIST_FORMAT } from '../../gateway/vouchers/trust-list.js'
import type { Campaign } from '../../gateway/vouchers/campaigns.js'
import { hashPin, hashToken } from '../../gateway/auth/secrets.js'
import type { FastifyInstance } from 'fastify'
import { Gateway } from '../../gateway/runtime/gateway.js'
import { silentLogger } from '../../gateway/log.js'
import { tempDir } from './tmp.js'

export const POS_TOKEN = 'test-pos-token-0123456789'
export const CASHIER_PIN = '2468'
export const KIOSK_TOKEN = 'test-kiosk-token-0123456789'
/** A kiosk credential for `kiosk.credentials` (bound to `device` when given). */
export const kioskCredential = (name = 'test-kiosk', device?: string) => ({
  name,
  ...(device ? { device } : {}),
  tokenHash: hashToken(KIOSK_TOKEN),
})
export const kioskHeaders = { 'x-kiosk-token': KIOSK_TOKEN }
let pinHash: string | undefined

export function campaign(overrides: Partial<Campaign> = {}): Campaign {
  return {
    id: 12,
    name: { en: '20 off at Shop B', zh: 'B店立减20元' },
    issuer: { merchant: 'm-a' },
    redeemableAt: { merchants: [], stores: ['shop-b', 'shop-a'] },
    value: { amount: 2000, currency: 'CNY' },
    validFrom: '2020-01-01T00:00:00Z',
    validTo: '2099-01-01T00:00:00Z',
    uses: 1,
    ...overrides,
  }
}

export interface TestStore {
  id: string
  dir: string
  keys: KeyPair
  config: Config
}

export interface TestChain {
  root: KeyPair
  stores: Map<string, TestStore>
  trustListFile: string
  campaignsFile: string
}

export async function makeChain(
  base: string,
  stores: { id: string; merchant: string }[],
  campaigns: Campaign[] = [campaign()],
  extra: Record<string, unknown> = {},
): Promise<TestChain> {
  pinHash ??= await hashPin(CASHIER_PIN)
  const root = generateKeyPair()
  mkdirSync(base, { recursive: true })
  const campaignsFile = join(base, 'campaigns.yaml')
  writeFileSync(campaignsFile, stringify({ campaigns }))
  const made = stores.map((s, i) => {
    const dir = join(base, s.id)
    return { ...s, dir, kid: i + 1, keys: loadOrCreateKeyPair(join(dir, ISSUER_KEY_FILE)) }
  })
  const trust = signTrustList(
    {
      format: TRUST_LIST_FORMAT,
      version: 1,
      issuedAt: new Date().toISOString(),
      issuers: made.map((s) => ({
        kid: s.kid,
        store: s.id,
        storeName: `Store ${s.id}`,
        merchant: s.merchant,
        publicKey: s.keys.publicKeyText,
      })),
    },
    root.privateKey,
  )
  const trustListFile = join(base, 'trust-list.json')
  writeFileSync(trustListFile, JSON.stringify(trust, null, 2))
  const result = new Map<string, TestStore>()
  for (const s of made) {
    const raw = {
      store: { id: s.id, name: `Store ${s.id}`, merchant: s.merchant },
      dataDir: s.dir,
      http: { port: 0 },
      vouchers: { rootPublicKey: root.publicKeyText, trustListFile, campaignsFile },
      till: {
        cashiers: [{ id: 'ann', name: 'Ann', pinHash }],
        posTokens: [{ name: 'pos-1', tokenHash: hashToken(POS_TOKEN) }],
      },
      log: { level: 'silent' },
      ...extra,
    }
    result.set(s.id, { id: s.id, dir: s.dir, keys: s.keys, config: parseConfig(JSON.stringify(raw), `${s.id}.json`) })
  }
  return { root, stores: result, trustListFile, campaignsFile }
}

/** One store's gateway, started in-process on a fresh data dir with `extra` config; stop() also removes the dir. */
export async function startStoreGateway(
  extra: Record<string, unknown> = {},
): Promise<{ gateway: Gateway; app: FastifyInstance; stop: () => Promise<void> }> {
  const tmp = tempDir()
  const chain = await makeChain(tmp.dir, [{ id: 'shop-a', merchant: 'm-a' }], undefined, extra)
  const gateway = await Gateway.open({ config: chain.stores.get('shop-a')!.config, log: silentLogger() })
  await gateway.start()
  return {
    gateway,
    app: gateway.app,
    stop: async () => {
      await gateway.stop()
      tmp.cleanup()
    },
  }
}
