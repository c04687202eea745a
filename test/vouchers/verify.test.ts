import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { generateKeyPair } from '../../gateway/vouchers/keys.js'
import {
  signTrustList,
  TrustList,
  TRUST_LIST_FORMAT,
  TRUST_LIST_FORMAT_V1,
  TrustListError,
} from '../../gateway/vouchers/trust-list.js'
import { whereToUse } from '../../gateway/vouchers/where-to-use.js'
import { CampaignCatalog, parseCampaigns } from '../../gateway/vouchers/campaigns.js'
import { RevocationList } from '../../gateway/vouchers/revocations.js'
import { checkVoucher, SignatureCache, type CheckContext } from '../../gateway/vouchers/verify.js'
import { decodeBase45, encodeBase45 } from '../../gateway/vouchers/base45.js'
import { hourFromMs, signVoucher, type VoucherFields } from '../../gateway/vouchers/voucher-code.js'
import { DocumentError } from '../../config/problems.js'
import { campaign } from '../helpers/vouchers.js'
import { runCli } from '../helpers/cli.js'
import { tempDir } from '../helpers/tmp.js'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'yaml'

const root = generateKeyPair()
const shopA = generateKeyPair()
const outsider = generateKeyPair()
const body = {
  format: TRUST_LIST_FORMAT,
  version: 3,
  issuedAt: '2026-11-01T00:00:00Z',
  issuers: [{ kid: 1, store: 'shop-a', merchant: 'm-a', publicKey: shopA.publicKeyText }],
} as const
const trust = TrustList.verify(signTrustList({ ...body, issuers: [...body.issuers] }, root.privateKey), root.publicKey)
const NOW = Date.UTC(2026, 10, 23, 12)
const campaigns = new CampaignCatalog(
  parseCampaigns({
    campaigns: [
      campaign(),
      campaign({ id: 20, validFrom: '2027-01-01T00:00:00Z' }),
      campaign({ id: 21, redeemableAt: { merchants: ['m-z'], stores: [] } }),
      campaign({ id: 22, onlineCheckAbove: 1000 }),
      campaign({ id: 23, validTo: '2026-11-01T00:00:00Z', validFrom: '2026-01-01T00:00:00Z' }),
    ],
  }),
)
const ctx: CheckContext = {
  trust,
  campaigns,
  revocations: RevocationList.parse({ version: 1, vouchers: ['1:12:666'] }),
  store: { id: 'shop-b', merchant: 'm-b' },
  now: NOW,
}
const fields = (f: Partial<VoucherFields> = {}): VoucherFields => ({
  kid: 1,
  campaign: 12,
  serial: 1,
  expiresHour: hourFromMs(NOW + 86_400_000),
  memberTag: 0,
  ...f,
})
const issue = (f: Partial<VoucherFields> = {}, key = shopA) => signVoucher(fields(f), key.privateKey)

describe('checkVoucher: every rejection reason, with real keys and a signed trust list', () => {
  it('accepts a good voucher from a trusted issuer at an eligible store', () => {
    const v = checkVoucher(issue(), ctx)
    expect(v).toMatchObject({
      ok: true,
      voucher: { key: '1:12:1', issuer: { store: 'shop-a' }, needsOnlineCheck: false },
    })
  })

  it.each([
    ['malformed', 'TS1:TOO-SHORT'],
    ['malformed', `${issue().slice(0, 60)}\u0000${issue().slice(61)}`],
    ['unknown_issuer', issue({ kid: 2 }, outsider)],
    ['bad_signature', issue({}, outsider)],
    ['revoked', issue({ serial: 666 })],
    ['unknown_campaign', issue({ campaign: 999 })],
    ['not_yet_valid', issue({ campaign: 20 })],
    ['expired', issue({ expiresHour: hourFromMs(NOW - 2 * 3_600_000) })],
    ['expired', issue({ campaign: 23 })],
    ['wrong_store', issue({ campaign: 21 })],
  ])('%s: %#', (reason, code) => {
    expect(checkVoucher(code, ctx)).toMatchObject({ ok: false, reason })
  })

  it('flags high-value vouchers for the online check', () => {
    expect(checkVoucher(issue({ campaign: 22 }), ctx)).toMatchObject({ ok: true, voucher: { needsOnlineCheck: true } })
  })

  it('revokes by campaign and by issuer key too', () => {
    expect(
      checkVoucher(issue(), { ...ctx, revocations: RevocationList.parse({ version: 2, campaigns: [12] }) }),
    ).toMatchObject({ reason: 'revoked' })
    expect(
      checkVoucher(issue(), { ...ctx, revocations: RevocationList.parse({ version: 2, kids: [1] }) }),
    ).toMatchObject({ reason: 'revoked' })
    expect(() => RevocationList.parse({ version: 1, vouchers: ['nope'] })).toThrow(DocumentError)
  })
})

describe('trust list', () => {
  it('refuses a list not signed by the root, a tampered list, and duplicate kids', () => {
    const signed = signTrustList({ ...body, issuers: [...body.issuers] }, root.privateKey)
    expect(() => TrustList.verify(signed, outsider.publicKey)).toThrow(TrustListError)
    const tampered = { ...signed, issuers: [{ ...signed.issuers[0]!, publicKey: outsider.publicKeyText }] }
    expect(() => TrustList.verify(tampered, root.publicKey)).toThrow(/not signed by the configured root key/)
    const dup = signTrustList(
      { ...body, issuers: [body.issuers[0], { ...body.issuers[0], store: 'x' }] },
      root.privateKey,
    )
    expect(() => TrustList.verify(dup, root.publicKey)).toThrow(/appears twice/)
    expect(() => TrustList.verify({ ...signed, format: 'other' }, root.publicKey)).toThrow(/malformed|format/)
    // Re-ordered keys and whitespace keep it valid (canonical JSON).
    const reordered = JSON.parse(
      JSON.stringify(
        {
          signature: signed.signature,
          issuers: signed.issuers,
          version: signed.version,
          issuedAt: signed.issuedAt,
          format: signed.format,
        },
        null,
        4,
      ),
    )
    expect(TrustList.verify(reordered, root.publicKey).version).toBe(3)
  })
})

describe('names in the trust list (format 2)', () => {
  const named = {
    ...body,
    issuers: [{ ...body.issuers[0]!, storeName: 'Harbour Café', merchantName: 'Harbour Coffee' }],
  }

  it('carries the names people know; format 1 reads as before and may not carry them', () => {
    const list = TrustList.verify(signTrustList(named, root.privateKey), root.publicKey)
    const store = body.issuers[0]!.store
    expect(list.storeName(store)).toBe('Harbour Café')
    expect(list.merchantName(body.issuers[0]!.merchant)).toBe('Harbour Coffee')
    const v1 = TrustList.verify(
      signTrustList({ ...body, format: TRUST_LIST_FORMAT_V1, issuers: [...body.issuers] }, root.privateKey),
      root.publicKey,
    )
    expect(v1.storeName(store)).toBeUndefined()
    expect(() =>
      TrustList.verify(signTrustList({ ...named, format: TRUST_LIST_FORMAT_V1 }, root.privateKey), root.publicKey),
    ).toThrow(/names need format tillside-trust-list\/2/)
  })

  it('`tillside trust sign` writes format 1 until an issuer is named, then format 2', async () => {
    const tmp = tempDir()
    try {
      const rootFile = join(tmp.dir, 'root.key')
      expect((await runCli(['trust', 'keygen', rootFile])).code).toBe(0)
      const sign = async (issuer: Record<string, unknown>) => {
        const file = join(tmp.dir, 'issuers.yaml')
        writeFileSync(file, stringify({ version: 1, issuers: [{ ...body.issuers[0], ...issuer }] }))
        const run = await runCli(['trust', 'sign', '--root', rootFile, file])
        expect(run.stderr).toBe('')
        return JSON.parse(run.stdout) as { format: string; issuers: { storeName?: string }[] }
      }
      expect((await sign({})).format).toBe(TRUST_LIST_FORMAT_V1)
      const named = await sign({ storeName: 'Harbour Café' })
      expect([named.format, named.issuers[0]!.storeName]).toEqual([TRUST_LIST_FORMAT, 'Harbour Café'])
    } finally {
      tmp.cleanup()
    }
  }, 30_000)

  it('says where to use a voucher by those names, and "partner stores" for the unnamed', () => {
    const own = { id: 'shop-a', name: 'Shop A', merchant: 'm-a' }
    const names = { store: (id: string) => ({ 'shop-b': 'Harbour Café' })[id], merchant: () => undefined }
    const where = (stores: string[], merchants: string[] = []) =>
      whereToUse({ redeemableAt: { stores, merchants } }, own, names).map((l) => l.en)
    expect(where(['shop-a', 'shop-b'])).toEqual(['Shop A', 'Harbour Café'])
    expect(where(['shop-a', 'shop-b', 'shop-z'])).toEqual(['Shop A', 'Harbour Café', 'Partner stores'])
    expect(where([], ['m-a', 'm-x'])).toEqual(['All our stores', 'Partner stores'])
  })
})

/**
 * A million random mutations of valid codes: none may be accepted. Mutations act on the
 * text (substitute, insert, delete, swap, truncate, case) and on the signed bytes (bit
 * flips re-encoded as valid Base45, so they reach the signature check). The production
 * signature cache is on, as at the till; distinct mutants are each verified for real.
 */
describe('a million mutations of valid codes', () => {
  const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:'
  const originals = Array.from({ length: 8 }, (_, i) => issue({ serial: i + 1, campaign: i % 2 ? 12 : 22 }))
  const op = fc.oneof(
    fc.record({ k: fc.constant('sub' as const), at: fc.nat(), c: fc.nat(ALPHABET.length - 1) }),
    fc.record({ k: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
    fc.record({ k: fc.constant('ins' as const), at: fc.nat(), c: fc.nat(ALPHABET.length - 1) }),
    fc.record({ k: fc.constant('del' as const), at: fc.nat() }),
    fc.record({ k: fc.constant('swap' as const), at: fc.nat() }),
    fc.record({ k: fc.constant('cut' as const), at: fc.nat() }),
    fc.record({ k: fc.constant('lower' as const), at: fc.nat() }),
  )
  type Op = typeof op extends fc.Arbitrary<infer T> ? T : never
  function mutate(code: string, o: Op): string {
    if (code.length === 0) return o.k === 'ins' ? ALPHABET[o.c]! : code
    const i = o.at % code.length
    switch (o.k) {
      case 'sub':
        return code.slice(0, i) + ALPHABET[o.c] + code.slice(i + 1)
      case 'ins':
        return code.slice(0, i) + ALPHABET[o.c] + code.slice(i)
      case 'del':
        return code.slice(0, i) + code.slice(i + 1)
      case 'swap':
        return i + 1 < code.length ? code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2) : code
      case 'cut':
        return code.slice(0, i)
      case 'lower':
        return code.slice(0, i) + code[i]!.toLowerCase() + code.slice(i + 1)
      case 'flip': {
        let bytes: Buffer
        try {
          bytes = decodeBase45(code.slice(4))
        } catch {
          return code // an earlier op already broke the Base45; nothing to flip
        }
        if (bytes.length === 0) return code
        bytes[o.at % bytes.length]! ^= 1 << o.bit
        return `TS1:${encodeBase45(bytes)}`
      }
    }
  }

  it('accepts none of them', () => {
    const signatures = new SignatureCache(200_000)
    const reasons = new Map<string, number>()
    let mutants = 0
    fc.assert(
      fc.property(fc.nat(originals.length - 1), fc.array(op, { minLength: 1, maxLength: 3 }), (which, ops) => {
        const original = originals[which]!
        let code = original
        for (const o of ops) code = mutate(code, o)
        if (code === original) return
        mutants++
        const verdict = checkVoucher(code, { ...ctx, signatures })
        if (verdict.ok) throw new Error(`accepted a mutant: ${JSON.stringify(code)} from ${JSON.stringify(ops)}`)
        reasons.set(verdict.reason, (reasons.get(verdict.reason) ?? 0) + 1)
      }),
      { numRuns: 1_000_000 },
    )
    expect(mutants).toBeGreaterThan(900_000)
    // Both cheap rejections and real signature failures were exercised.
    expect(reasons.get('bad_signature')).toBeGreaterThan(100_000)
    expect(reasons.get('malformed')).toBeGreaterThan(100_000)
  }, 600_000)
})
