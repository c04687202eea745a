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
import { CampaignCatalog, loadCampaignFile, parseCampaigns, type Campaign, type StoreIdentity } from './campaigns.js'
import { signVoucher, type VoucherFields } from './voucher-code.js'
import { DocumentError } from '../../config/problems.js'
import { loadOrCreateKeyPair, publicKeyFromText, type KeyPair } from './keys.js'
import { RevocationList } from './revocations.js'
import type { KnownNames } from './where-to-use.js'
import { signTrustList, TrustList, TrustListError, TRUST_LIST_FORMAT, type TrustedIssuer } from './trust-list.js'
import { checkVoucher, SignatureCache, type Verdict } from './verify.js'

export const ISSUER_KEY_FILE = 'keys/issuer.key'
const DEV_ROOT_KEY_FILE = 'keys/dev-root.key'
const TRUST_LIST_COPY = 'trust-list.json'
/** Lists the cloud pushed (sync commands); at start they win over the config's files. */
const CAMPAIGNS_COPY = 'campaigns.json'
const REVOCATIONS_COPY = 'revocations.json'

export class ListVersionError extends Error {
  override readonly name = 'ListVersionError'
  readonly code = 'stale_version'
}

export class VoucherAuthority {
  readonly signatures = new SignatureCache()
  /** Version of the campaign list the cloud pushed last (0: from the config's file). */
  campaignsVersion = 0

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
    const store = { id: config.store.id, merchant: config.store.merchant, name: config.store.name }
    const keys = loadOrCreateKeyPair(join(dataDir, ISSUER_KEY_FILE))
    if (keys.created)
      log.info(
        { publicKey: keys.publicKeyText },
        "created this gateway's issuer key; enrol it in the trust list (tillside keys show)",
      )
    const v = config.vouchers
    let rootKey: KeyObject | null = v.rootPublicKey
      ? publicKeyFromText(v.rootPublicKey, 'vouchers.rootPublicKey')
      : null
    let trust = TrustList.empty()
    if (!rootKey && config.dev) {
      // Development only: a local root that trusts just this gateway, so `npm start` can issue and redeem.
      const devRoot = loadOrCreateKeyPair(join(dataDir, DEV_ROOT_KEY_FILE))
      rootKey = devRoot.publicKey
      const issuer = { kid: 1, store: store.id, merchant: store.merchant ?? store.id, publicKey: keys.publicKeyText }
      trust = TrustList.verify(
        signTrustList(
          { format: TRUST_LIST_FORMAT, version: 1, issuedAt: new Date().toISOString(), issuers: [issuer] },
          devRoot.privateKey,
        ),
        rootKey,
      )
      log.warn({ kid: 1 }, 'dev mode without vouchers.rootPublicKey: using a local development trust list')
    } else if (!rootKey) {
      log.warn('vouchers.rootPublicKey is not set: no issuer is trusted, every voucher is refused as unknown_issuer')
    }
    const authority = new VoucherAuthority(
      store,
      keys,
      rootKey,
      trust,
      RevocationList.empty(),
      new CampaignCatalog(),
      dataDir,
    )
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
    const pushedCampaigns = join(dataDir, CAMPAIGNS_COPY)
    if (existsSync(pushedCampaigns))
      authority.replaceCampaigns(JSON.parse(readFileSync(pushedCampaigns, 'utf8')) as unknown)
    else if (v.campaignsFile) authority.campaigns.replace(loadCampaignFile(v.campaignsFile))
    const pushedRevocations = join(dataDir, REVOCATIONS_COPY)
    if (existsSync(pushedRevocations))
      authority.revocations = RevocationList.parse(JSON.parse(readFileSync(pushedRevocations, 'utf8')) as unknown)
    else if (v.revocationsFile) authority.revocations = RevocationList.parse(readDocument(v.revocationsFile))
    log.info(
      {
        trustListVersion: authority.trust.version,
        issuers: authority.trust.size,
        campaigns: authority.campaigns.list().length,
        ownKid: authority.ownIssuer()?.kid ?? null,
      },
      'vouchers ready',
    )
    return authority
  }

  check(code: string, now = Date.now()): Verdict {
    return checkVoucher(code, {
      trust: this.trust,
      revocations: this.revocations,
      campaigns: this.campaigns,
      store: this.store,
      now,
      signatures: this.signatures,
    })
  }

  /**
   * When a voucher of `campaign` issued now expires: its lifetime, never past the campaign's
   * end. The one rule for every issuing path (POS, kiosk, portal game; issue #14).
   */
  expiresAt(campaign: Campaign, now: number): number {
    const lifetime = campaign.voucherLifetimeDays ? campaign.voucherLifetimeDays * 86_400_000 : Infinity
    return Math.min(Date.parse(campaign.validTo), now + lifetime)
  }

  /** The code of a voucher this gateway issued (Ed25519 is deterministic: the same fields, the same code). */
  codeOf(fields: VoucherFields): string {
    return signVoucher(fields, this.keys.privateKey)
  }

  /** This gateway's entry in the trust list; null until the operator enrols its key. */
  /**
   * A store's name for people: this store's configured name, another store's from the
   * trust list (format 2); the id only for a store nobody has named yet.
   */
  storeName(id: string): string {
    if (id === this.store.id && this.store.name) return this.store.name
    return this.trust.storeName(id) ?? id
  }

  /** Names of other stores and merchants the trust list carries, for "where to use it". */
  names(): KnownNames {
    const trust = this.trust
    return { store: (id) => trust.storeName(id), merchant: (id) => trust.merchantName(id) }
  }

  ownIssuer(): TrustedIssuer | null {
    return this.trust.issuerForKey(this.keys.publicKeyText) ?? null
  }

  /** Verifies a signed trust list against the root key; only a newer version replaces the current one. Saves a copy in dataDir. */
  replaceTrustList(document: unknown): TrustList {
    if (!this.rootKey) throw new TrustListError('bad_signature', 'no root key configured (vouchers.rootPublicKey)')
    const next = TrustList.verify(document, this.rootKey)
    if (next.version <= this.trust.version) {
      throw new TrustListError(
        'stale_version',
        `trust list version ${next.version} is not newer than ${this.trust.version}`,
      )
    }
    this.trust = next
    this.saveCopy(TRUST_LIST_COPY, next.document)
    return next
  }

  /** A campaign list pushed by the cloud: `{version, campaigns}`; validated whole, only a newer version replaces. */
  replaceCampaigns(document: unknown): number {
    const { version, campaigns } = (document ?? {}) as { version?: unknown; campaigns?: unknown }
    if (!Number.isSafeInteger(version) || (version as number) < 1)
      throw new DocumentError('campaigns', [{ path: 'version', message: 'must be an integer ≥ 1' }])
    const parsed = parseCampaigns({ campaigns })
    if ((version as number) <= this.campaignsVersion)
      throw new ListVersionError(`campaign list version ${version} is not newer than ${this.campaignsVersion}`)
    this.campaigns.replace(parsed)
    this.campaignsVersion = version as number
    this.saveCopy(CAMPAIGNS_COPY, { version, campaigns: parsed })
    return parsed.length
  }

  /** A revocation list pushed by the cloud; only a newer version replaces the current one. */
  replaceRevocations(document: unknown): RevocationList {
    const next = RevocationList.parse(document)
    if (next.version <= this.revocations.version)
      throw new ListVersionError(
        `revocation list version ${next.version} is not newer than ${this.revocations.version}`,
      )
    this.revocations = next
    this.saveCopy(REVOCATIONS_COPY, document)
    return next
  }

  /** Written whole and renamed into place: a crash leaves the old copy or the new one. */
  private saveCopy(name: string, document: unknown): void {
    const file = join(this.dataDir, name)
    writeFileSync(`${file}.tmp`, JSON.stringify(document, null, 2))
    renameSync(`${file}.tmp`, file)
  }
}

function readDocument(file: string): unknown {
  return parseYaml(readFileSync(file, 'utf8'))
}
