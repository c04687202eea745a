/**
 * Voucher codes that verify offline.
 *
 *   TS1:<Base45( payload[13] ‖ Ed25519 signature[64] )>   → exactly 120 characters
 *
 * The whole code is in the QR alphanumeric set. 120 characters leave 13 payload bytes
 * beside the 64-byte signature, so every field is as small as it can be:
 *
 *   kid        u16  issuer key id; the signed trust list maps it to key, store, merchant
 *   campaign   u16  numeric campaign id
 *   serial     u24  per issuer key and campaign (16.7 M vouchers each)
 *   expires    u24  hours since 2020-01-01T00:00Z (the end of that hour is the last valid instant)
 *   memberTag  u24  short tag of the member it was issued to, 0 = none; the full member id
 *                   travels in the journaled `voucher.issued` event, not in the code
 *
 * The signature covers the prefix too, so a future `TS2:` can never be read as TS1.
 * Ed25519 (RFC 8032) signatures are deterministic: the same voucher always yields the
 * same code, so a code can be re-created from its fields for "my vouchers".
 */
import { createHash, sign, verify, type KeyObject } from 'node:crypto'
import { Base45Error, decodeBase45, encodeBase45 } from './base45.js'

export const VOUCHER_PREFIX = 'TS1:'
export const PAYLOAD_BYTES = 13
export const SIGNATURE_BYTES = 64
export const VOUCHER_CODE_LENGTH = VOUCHER_PREFIX.length + Math.ceil(((PAYLOAD_BYTES + SIGNATURE_BYTES) * 3) / 2)
const EPOCH_MS = Date.UTC(2020, 0, 1)
const HOUR_MS = 3_600_000
const PREFIX_BYTES = Buffer.from(VOUCHER_PREFIX, 'ascii')
const U24 = 0xffffff

export interface VoucherFields {
  kid: number
  campaign: number
  serial: number
  /** Hours since 2020-01-01T00:00Z; the voucher is valid until the end of that hour. */
  expiresHour: number
  memberTag: number
}

/** A code whose bytes parsed; the signature is not yet checked. */
export interface ParsedVoucher extends VoucherFields {
  code: string
  /** prefix ‖ payload: the signed message. */
  message: Buffer
  signature: Buffer
}

export class VoucherCodeError extends Error {
  override readonly name = 'VoucherCodeError'
  readonly reason = 'malformed'
}

/** Parses the structure only (cheap): length, prefix, alphabet, field ranges. */
export function parseVoucherCode(code: string): ParsedVoucher {
  if (code.length !== VOUCHER_CODE_LENGTH)
    throw new VoucherCodeError(`a voucher code has ${VOUCHER_CODE_LENGTH} characters; got ${code.length}`)
  if (!code.startsWith(VOUCHER_PREFIX)) throw new VoucherCodeError(`a voucher code starts with ${VOUCHER_PREFIX}`)
  let bytes: Buffer
  try {
    bytes = decodeBase45(code.slice(VOUCHER_PREFIX.length))
  } catch (err) {
    if (err instanceof Base45Error) throw new VoucherCodeError(`voucher body: ${err.message}`)
    throw err
  }
  const fields = readFields(bytes)
  if (fields.kid === 0 || fields.campaign === 0 || fields.serial === 0)
    throw new VoucherCodeError('kid, campaign and serial start at 1')
  return {
    ...fields,
    code,
    message: Buffer.concat([PREFIX_BYTES, bytes.subarray(0, PAYLOAD_BYTES)]),
    signature: bytes.subarray(PAYLOAD_BYTES),
  }
}

export function verifyVoucherSignature(parsed: ParsedVoucher, publicKey: KeyObject): boolean {
  return verify(null, parsed.message, publicKey, parsed.signature)
}

export function signVoucher(fields: VoucherFields, privateKey: KeyObject): string {
  const payload = writeFields(fields)
  const signature = sign(null, Buffer.concat([PREFIX_BYTES, payload]), privateKey)
  return VOUCHER_PREFIX + encodeBase45(Buffer.concat([payload, signature]))
}

/** The voucher's identity chain-wide: kid is unique in the trust list, serials per kid and campaign. */
export function voucherKey(f: Pick<VoucherFields, 'kid' | 'campaign' | 'serial'>): string {
  return `${f.kid}:${f.campaign}:${f.serial}`
}

/** The 24-bit tag printed in a code for a member id (0 is reserved for "no member"). */
export function memberTag(memberId: string | null | undefined): number {
  if (!memberId) return 0
  const tag = createHash('sha256').update(`tillside-member-tag:${memberId}`).digest().readUIntBE(0, 3)
  return tag === 0 ? 1 : tag
}

export function hourFromMs(ms: number): number {
  return Math.floor((ms - EPOCH_MS) / HOUR_MS)
}

/** The last millisecond a voucher expiring in `hour` is valid. */
export function expiryMs(hour: number): number {
  return EPOCH_MS + (hour + 1) * HOUR_MS - 1
}

function readFields(b: Buffer): VoucherFields {
  if (b.length !== PAYLOAD_BYTES + SIGNATURE_BYTES) throw new VoucherCodeError(`voucher body is ${b.length} bytes`)
  return {
    kid: b.readUInt16BE(0),
    campaign: b.readUInt16BE(2),
    serial: b.readUIntBE(4, 3),
    expiresHour: b.readUIntBE(7, 3),
    memberTag: b.readUIntBE(10, 3),
  }
}

function writeFields(f: VoucherFields): Buffer {
  const check = (name: string, v: number, max: number, min = 1) => {
    if (!Number.isInteger(v) || v < min || v > max)
      throw new RangeError(`voucher ${name} ${v} is outside ${min}..${max}`)
  }
  check('kid', f.kid, 0xffff)
  check('campaign', f.campaign, 0xffff)
  check('serial', f.serial, U24)
  check('expiresHour', f.expiresHour, U24, 0)
  check('memberTag', f.memberTag, U24, 0)
  const b = Buffer.alloc(PAYLOAD_BYTES)
  b.writeUInt16BE(f.kid, 0)
  b.writeUInt16BE(f.campaign, 2)
  b.writeUIntBE(f.serial, 4, 3)
  b.writeUIntBE(f.expiresHour, 7, 3)
  b.writeUIntBE(f.memberTag, 10, 3)
  return b
}
