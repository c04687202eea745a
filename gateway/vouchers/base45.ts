/**
 * Base45 (RFC 9285): bytes as characters of the QR code alphanumeric set, so a QR can
 * use alphanumeric mode (5.5 bits per character) instead of byte mode (8). EU DCC's
 * `HC1:` codes use it for the same reason. Strict decoding: any character outside the
 * alphabet, a dangling single character or a group above its range is an error, so one
 * byte string has exactly one encoding.
 */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:'
const VALUE = new Int8Array(128).fill(-1)
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i

export class Base45Error extends Error {
  override readonly name = 'Base45Error'
}

export function encodeBase45(bytes: Uint8Array): string {
  let out = ''
  let i = 0
  for (; i + 1 < bytes.length; i += 2) {
    let n = bytes[i]! * 256 + bytes[i + 1]!
    const c = n % 45
    n = (n - c) / 45
    const d = n % 45
    out += ALPHABET[c]! + ALPHABET[d]! + ALPHABET[(n - d) / 45]!
  }
  if (i < bytes.length) {
    const n = bytes[i]!
    out += ALPHABET[n % 45]! + ALPHABET[Math.floor(n / 45)]!
  }
  return out
}

export function decodeBase45(text: string): Buffer {
  if (text.length % 3 === 1) throw new Base45Error(`length ${text.length} is not a valid Base45 length`)
  const out = Buffer.allocUnsafe(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0))
  let o = 0
  for (let i = 0; i < text.length; i += 3) {
    const c = digit(text, i)
    const d = digit(text, i + 1)
    if (i + 2 < text.length) {
      const n = c + d * 45 + digit(text, i + 2) * 2025
      if (n > 0xffff) throw new Base45Error(`group at ${i} decodes to ${n}, above 65535`)
      out[o++] = n >> 8
      out[o++] = n & 0xff
    } else {
      const n = c + d * 45
      if (n > 0xff) throw new Base45Error(`final group at ${i} decodes to ${n}, above 255`)
      out[o++] = n
    }
  }
  return out
}

function digit(text: string, i: number): number {
  const code = text.charCodeAt(i)
  const v = code < 128 ? VALUE[code]! : -1
  if (v < 0) throw new Base45Error(`character ${JSON.stringify(text[i])} at ${i} is not Base45`)
  return v
}
