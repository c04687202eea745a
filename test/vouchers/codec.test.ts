import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { decodeBase45, encodeBase45, Base45Error } from '../../gateway/vouchers/base45.js'
import { generateKeyPair } from '../../gateway/vouchers/keys.js'
import {
  parseVoucherCode,
  signVoucher,
  verifyVoucherSignature,
  VOUCHER_CODE_LENGTH,
  VoucherCodeError,
  expiryMs,
  hourFromMs,
} from '../../gateway/vouchers/voucher-code.js'
import { canonicalJson } from '../../gateway/vouchers/canonical-json.js'

describe('Base45 (RFC 9285)', () => {
  it('matches the RFC examples', () => {
    expect(encodeBase45(Buffer.from('AB'))).toBe('BB8')
    expect(encodeBase45(Buffer.from('Hello!!'))).toBe('%69 VD92EX0')
    expect(encodeBase45(Buffer.from('base-45'))).toBe('UJCLQE7W581')
    expect(decodeBase45('QED8WEX0').toString()).toBe('ietf!')
  })

  it('round-trips any bytes, and every string decodes to at most one byte string', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = encodeBase45(bytes)
        expect([...decodeBase45(text)]).toEqual([...bytes])
        expect(encodeBase45(decodeBase45(text))).toBe(text)
      }),
    )
  })

  it('rejects characters outside the alphabet, dangling characters and out-of-range groups', () => {
    expect(() => decodeBase45('GGW')).toThrow(Base45Error) // 65536+
    expect(() => decodeBase45('A')).toThrow(/length/)
    expect(() => decodeBase45('ab')).toThrow(/not Base45/)
    expect(() => decodeBase45(':: ')).toThrow(/above 65535/)
    expect(() => decodeBase45('::')).toThrow(/above 255/)
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        try {
          expect(encodeBase45(decodeBase45(s))).toBe(s)
        } catch (err) {
          expect(err).toBeInstanceOf(Base45Error)
        }
      }),
    )
  })
})

describe('voucher codes', () => {
  const issuer = generateKeyPair()
  const fields = {
    kid: 7,
    campaign: 12,
    serial: 123_456,
    expiresHour: hourFromMs(Date.UTC(2027, 5, 30, 12)),
    memberTag: 0xabcdef,
  }

  it('are exactly 120 QR-alphanumeric characters and parse back to their fields', () => {
    const code = signVoucher(fields, issuer.privateKey)
    expect(code).toHaveLength(VOUCHER_CODE_LENGTH)
    expect(VOUCHER_CODE_LENGTH).toBe(120)
    expect(code).toMatch(/^TS1:[0-9A-Z $%*+\-./:]+$/)
    const parsed = parseVoucherCode(code)
    expect(parsed).toMatchObject(fields)
    expect(verifyVoucherSignature(parsed, issuer.publicKey)).toBe(true)
    expect(verifyVoucherSignature(parsed, generateKeyPair().publicKey)).toBe(false)
    expect(signVoucher(fields, issuer.privateKey)).toBe(code) // deterministic
  })

  it('round-trips every field range', () => {
    fc.assert(
      fc.property(
        fc.record({
          kid: fc.integer({ min: 1, max: 0xffff }),
          campaign: fc.integer({ min: 1, max: 0xffff }),
          serial: fc.integer({ min: 1, max: 0xffffff }),
          expiresHour: fc.integer({ min: 0, max: 0xffffff }),
          memberTag: fc.integer({ min: 0, max: 0xffffff }),
        }),
        (f) => {
          const parsed = parseVoucherCode(signVoucher(f, issuer.privateKey))
          expect({
            kid: parsed.kid,
            campaign: parsed.campaign,
            serial: parsed.serial,
            expiresHour: parsed.expiresHour,
            memberTag: parsed.memberTag,
          }).toEqual(f)
        },
      ),
      { numRuns: 300 },
    )
    expect(() => signVoucher({ ...fields, serial: 0x1000000 }, issuer.privateKey)).toThrow(RangeError)
    expect(expiryMs(fields.expiresHour)).toBe(Date.UTC(2027, 5, 30, 12, 59, 59, 999))
  })

  it('refuses wrong lengths, prefixes and control characters as malformed', () => {
    const code = signVoucher(fields, issuer.privateKey)
    for (const bad of [
      code.slice(0, 119),
      `${code}A`,
      `TS2:${code.slice(4)}`,
      `ts1:${code.slice(4)}`,
      code.replace(/.$/, '\u0007'),
      '',
      'TS1:',
    ]) {
      expect(() => parseVoucherCode(bad)).toThrow(VoucherCodeError)
    }
  })
})

describe('canonical JSON', () => {
  it('is independent of key order and whitespace', () => {
    expect(canonicalJson({ b: 1, a: [{ d: null, c: 'x' }] })).toBe('{"a":[{"c":"x","d":null}],"b":1}')
    expect(canonicalJson(JSON.parse('{ "a" : 1, "b": 2 }'))).toBe(canonicalJson({ b: 2, a: 1 }))
  })
})
