/**
 * Everything a store needs to issue and check vouchers offline: its own issuer key,
 * the trust list, revocations and campaigns. Loaded at start; the cloud replaces the
 * lists later (issue #5) through the replace* methods, which validate first and keep
 * the old list when the new one is bad.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { KeyObject } from 'node:crypto'
import { parse as parseYaml } from 'yaml'
import type { Config } from '../../config/schema.js'
import type { Logger } from '../log.js'
import { CampaignCatalog, loadCampaignFile, type StoreIdentity } from './campaigns.js'
import { loadOrCreateKeyPair, publicKeyFromText, type KeyPair } from './keys.js'
import { RevocationList } from './revocations.js'
import { signTrustList, TrustList, TrustListError, TRUST_LIST_FORMAT, type TrustedIssuer } from './trust-list.js'
import { checkVoucher, SignatureCache, type Verdict } from './verify.js'

export const ISSUER_KEY_FILE = 'keys/issuer.key'
const DEV_ROOT_KEY_FILE = 'keys/dev-root.key'
const TRUST_LIST_COPY = 'trust-list.json'

export class VoucherAuthority {
  readonly signatures = new SignatureCache()

  constructor(
    readonly store: StoreIdentity,
    readonly keys: KeyPair,
    private rootKey: KeyObject | null,
    public trust: TrustList,
    public revocations: RevocationList,
    readonly campaigns: CampaignCatalog,
    private readonly dataDir: string,
  ) {}

  /** Reads keys and lists from config and dataDir; creates the issuer key on first start. */
  static load(config: Config, log: Logger): VoucherAuthority {
    const dataDir = config.dataDir
    const store = { id: config.store.id, merchant: config.store.merchant }
    const keys = loadOrCreateKeyPair(join(dataDir, ISSUER_KEY_FILE))
    if (keys.created) log.info({ publicKey: keys.publicKeyText }, 'created this gateway\'s issuer key; enrol it in the trust list (tillside keys show)')
    const v = config.vouchers
    let rootKey: KeyObject | null = v.rootPublicKey ? publicKeyFromText(v.rootPublicKey, 'vouchers.rootPublicKey') : null
    let trust = TrustList.empty()
    if (!rootKey && config.dev) {
      // Development only: a local root that trusts just this gateway, so `npm start` can issue and redeem.
      const devRoot = loadOrCreateKeyPair(join(dataDir, DEV_ROOT_KEY_FILE))
      rootKey = devRoot.publicKey
      const issuer = { kid: 1, store: store.id, merchant: store.merchant ?? store.id, publicKey: keys.publicKeyText }
      trust = TrustList.verify(signTrustList({ format: TRUST_LIST_FORMAT, version: 1, issuedAt: new Date().toISOString(), issuers: [issuer] }, devRoot.privateKey), rootKey)
      log.warn({ kid: 1 }, 'dev mode without vouchers.rootPublicKey: using a local development trust list')
    } else if (!rootKey) {
      log.warn('vouchers.rootPublicKey is not set: no issuer is trusted, every voucher is refused as unknown_issuer')
    }
    const authority = new VoucherAuthority(store, keys, rootKey, trust, RevocationList.empty(), new CampaignCatalog(), dataDir)
    const copy = join(dataDir, TRUST_LIST_COPY)
    for (const file of [copy, v.trustListFile]) {
      if (!file || !existsSync(file) || !rootKey) continue
      try {
        authority.replaceTrustList(readDocument(file))
      } catch (err) {
        if (err instanceof TrustListError && err.code === 'stale_version') continue
        log.error({ file, err: (err as Error).message }, 'trust list not loaded')
      }
    }
    if (v.campaignsFile) authority.campaigns.replace(loadCampaignFile(v.campaignsFile))
    if (v.revocationsFile) authority.revocations = RevocationList.parse(readDocument(v.revocationsFile))
    log.info({ trustListVersion: authority.trust.version, issuers: authority.trust.size, campaigns: authority.campaigns.list().length, ownKid: authority.ownIssuer()?.kid ?? null }, 'vouchers ready')
    return authority
  }

  check(code: string, now = Date.now()): Verdict {
    return checkVoucher(code, { trust: this.trust, revocations: this.revocations, campaigns: this.campaigns, store: this.store, now, signatures: this.signatures })
  }

  /** This gateway's entry in the trust list; null until the operator enrols its key. */
  ownIssuer(): TrustedIssuer | null {
    return this.trust.issuerForKey(this.keys.publicKeyText) ?? null
  }

  /** Verifies a signed trust list against the root key; only a newer version replaces the current one. Saves a copy in dataDir. */
  replaceTrustList(document: unknown): TrustList {
    if (!this.rootKey) throw new TrustListError('bad_signature', 'no root key configured (vouchers.rootPublicKey)')
    const next = TrustList.verify(document, this.rootKey)
    if (next.version <= this.trust.version) {
      throw new TrustListError('stale_version', `trust list version ${next.version} is not newer than ${this.trust.version}`)
    }
    this.trust = next
    const file = join(this.dataDir, TRUST_LIST_COPY)
    writeFileSync(`${file}.tmp`, JSON.stringify(next.document, null, 2))
    renameSync(`${file}.tmp`, file)
    return next
  }
}

function readDocument(file: string): unknown {
  return parseYaml(readFileSync(file, 'utf8'))
}
