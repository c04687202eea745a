/**
 * The trust list: which issuer keys (one per gateway) may sign vouchers, and for which
 * store and merchant. The operator signs it with the root key whose public half is in
 * every store's config, so a store trusts a voucher from a shop it has never talked to
 * without being online. Pushed by the cloud (issue #5) or loaded from a file.
 */
import { CodedError } from '../../config/coded-error.js'
import { sign, verify, type KeyObject } from 'node:crypto'
import { Type, type Static } from '@sinclair/typebox'
import { documentValidator, DocumentError } from '../../config/problems.js'
import { canonicalJson } from './canonical-json.js'
import { publicKeyFromText, KeyFileError } from './keys.js'

/**
 * Format 2 adds the names people know (`storeName`, `merchantName`) to issuers. A gateway
 * reads both; `tillside trust sign` writes 1 unless an issuer has a name, so a chain with
 * older gateways keeps working until it names its stores (older gateways refuse format 2
 * as malformed rather than misread it).
 */
export const TRUST_LIST_FORMAT = 'tillside-trust-list/2'
export const TRUST_LIST_FORMAT_V1 = 'tillside-trust-list/1'
const DisplayName = (what: string) =>
  Type.Optional(Type.String({ minLength: 1, maxLength: 120, description: `The ${what}'s name for people (format 2)` }))

const IssuerSchema = Type.Object(
  {
    kid: Type.Integer({ minimum: 1, maximum: 65535, description: 'Key id printed in every voucher this key signs' }),
    store: Type.String({ minLength: 1, maxLength: 64 }),
    merchant: Type.String({ minLength: 1, maxLength: 64 }),
    publicKey: Type.String({ minLength: 43, maxLength: 43, description: 'Raw Ed25519 public key, base64url' }),
    storeName: DisplayName('store'),
    merchantName: DisplayName('merchant'),
  },
  { additionalProperties: false },
)

export const TrustListBodySchema = Type.Object(
  {
    format: Type.Union([Type.Literal(TRUST_LIST_FORMAT_V1), Type.Literal(TRUST_LIST_FORMAT)]),
    version: Type.Integer({
      minimum: 1,
      description: 'Increases with every list; an older list never replaces a newer one',
    }),
    issuedAt: Type.String({ minLength: 1 }),
    issuers: Type.Array(IssuerSchema, { maxItems: 65535 }),
  },
  { additionalProperties: false },
)

const SignedTrustListSchema = Type.Object(
  {
    ...TrustListBodySchema.properties,
    signature: Type.String({
      minLength: 1,
      description: 'Ed25519 over the canonical JSON of the other keys, base64url',
    }),
  },
  { additionalProperties: false },
)

export type TrustListBody = Static<typeof TrustListBodySchema>
export type SignedTrustList = Static<typeof SignedTrustListSchema>

export interface TrustedIssuer {
  kid: number
  store: string
  merchant: string
  storeName?: string
  merchantName?: string
  publicKey: KeyObject
  publicKeyText: string
}

export class TrustListError extends CodedError<'malformed' | 'bad_signature' | 'duplicate_kid' | 'stale_version'> {
  override readonly name = 'TrustListError'
}

const validateSigned = documentValidator(SignedTrustListSchema, 'trust list')

export class TrustList {
  private constructor(
    readonly version: number,
    readonly issuedAt: string,
    private readonly byKid: Map<number, TrustedIssuer>,
    /** The signed document, kept to save it or hand it on. */
    readonly document: SignedTrustList,
  ) {}

  static empty(): TrustList {
    return new TrustList(0, '', new Map(), {
      format: TRUST_LIST_FORMAT,
      version: 0,
      issuedAt: '',
      issuers: [],
      signature: '',
    })
  }

  /** Validates shape, root signature and unique kids; throws TrustListError naming what is wrong. */
  static verify(document: unknown, rootKey: KeyObject): TrustList {
    let doc: SignedTrustList
    try {
      doc = validateSigned(structuredClone(document))
    } catch (err) {
      if (err instanceof DocumentError) throw new TrustListError('malformed', err.message)
      throw err
    }
    const { signature, ...body } = doc
    const sig = Buffer.from(signature, 'base64url')
    if (sig.length !== 64 || !verify(null, Buffer.from(canonicalJson(body)), rootKey, sig)) {
      throw new TrustListError(
        'bad_signature',
        `trust list version ${doc.version} is not signed by the configured root key`,
      )
    }
    const byKid = new Map<number, TrustedIssuer>()
    doc.issuers.forEach((issuer, i) => {
      if (doc.format === TRUST_LIST_FORMAT_V1 && (issuer.storeName || issuer.merchantName))
        throw new TrustListError('malformed', `issuers[${i}]: names need format ${TRUST_LIST_FORMAT}`)
      if (byKid.has(issuer.kid))
        throw new TrustListError('duplicate_kid', `issuers[${i}].kid: ${issuer.kid} appears twice`)
      let publicKey: KeyObject
      try {
        publicKey = publicKeyFromText(issuer.publicKey, `issuers[${i}].publicKey`)
      } catch (err) {
        if (err instanceof KeyFileError) throw new TrustListError('malformed', err.message)
        throw err
      }
      byKid.set(issuer.kid, {
        kid: issuer.kid,
        store: issuer.store,
        merchant: issuer.merchant,
        ...(issuer.storeName ? { storeName: issuer.storeName } : {}),
        ...(issuer.merchantName ? { merchantName: issuer.merchantName } : {}),
        publicKey,
        publicKeyText: issuer.publicKey,
      })
    })
    return new TrustList(doc.version, doc.issuedAt, byKid, doc)
  }

  issuer(kid: number): TrustedIssuer | undefined {
    return this.byKid.get(kid)
  }

  /** The entry for a public key (how a gateway finds its own kid). */
  issuerForKey(publicKeyText: string): TrustedIssuer | undefined {
    for (const issuer of this.byKid.values()) if (issuer.publicKeyText === publicKeyText) return issuer
    return undefined
  }

  /** The name people know a store by, if an issuer of that store carries one. */
  storeName(store: string): string | undefined {
    for (const issuer of this.byKid.values()) if (issuer.store === store && issuer.storeName) return issuer.storeName
    return undefined
  }

  /** The name people know a merchant by, if an issuer of that merchant carries one. */
  merchantName(merchant: string): string | undefined {
    for (const issuer of this.byKid.values())
      if (issuer.merchant === merchant && issuer.merchantName) return issuer.merchantName
    return undefined
  }

  get size(): number {
    return this.byKid.size
  }
}

/** Signs a trust list body with the operator's root private key (`tillside trust sign`). */
export function signTrustList(body: TrustListBody, rootPrivateKey: KeyObject): SignedTrustList {
  const signature = sign(null, Buffer.from(canonicalJson(body)), rootPrivateKey).toString('base64url')
  return { ...body, signature }
}
