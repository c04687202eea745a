/**
 * The member QR: `TM1:` + Base45(member id[10] ‖ time step u32 ‖ HMAC-SHA256(secret, …)[8]).
 * It changes every 30 s and is accepted for two steps either side (clock drift), so a
 * screenshot stops working within about a minute and a half — like a TOTP code, but
 * carrying who it is for. The per-member secret lives in the database.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { Base45Error, decodeBase45, encodeBase45 } from '../vouchers/base45.js'

export const MEMBER_CODE_PREFIX = 'TM1:'
export const STEP_MS = 30_000
export const ACCEPTED_STEPS = 2
const ID_BYTES = 10
const MAC_BYTES = 8

export type MemberCodeProblem = 'malformed' | 'member_code_expired' | 'bad_signature'

export function memberCode(memberId: string, secret: Buffer, now = Date.now()): string {
  const step = Math.floor(now / STEP_MS)
  const body = Buffer.alloc(ID_BYTES + 4)
  Buffer.from(memberId, 'hex').copy(body, 0)
  body.writeUInt32BE(step, ID_BYTES)
  return MEMBER_CODE_PREFIX + encodeBase45(Buffer.concat([body, mac(secret, body)]))
}

/** The member id a code claims, before its MAC is checked (to look up the secret). */
export function parseMemberCode(code: string): { memberId: string; step: number; body: Buffer; tag: Buffer } | null {
  if (!code.startsWith(MEMBER_CODE_PREFIX)) return null
  let bytes: Buffer
  try {
    bytes = decodeBase45(code.slice(MEMBER_CODE_PREFIX.length))
  } catch (err) {
    if (err instanceof Base45Error) return null
    throw err
  }
  if (bytes.length !== ID_BYTES + 4 + MAC_BYTES) return null
  const body = bytes.subarray(0, ID_BYTES + 4)
  return {
    memberId: body.subarray(0, ID_BYTES).toString('hex'),
    step: body.readUInt32BE(ID_BYTES),
    body,
    tag: bytes.subarray(ID_BYTES + 4),
  }
}

export function checkMemberCode(
  parsed: NonNullable<ReturnType<typeof parseMemberCode>>,
  secret: Buffer,
  now = Date.now(),
): MemberCodeProblem | null {
  if (!timingSafeEqual(mac(secret, parsed.body), parsed.tag)) return 'bad_signature'
  if (Math.abs(Math.floor(now / STEP_MS) - parsed.step) > ACCEPTED_STEPS) return 'member_code_expired'
  return null
}

function mac(secret: Buffer, body: Buffer): Buffer {
  return createHmac('sha256', secret).update(body).digest().subarray(0, MAC_BYTES)
}
