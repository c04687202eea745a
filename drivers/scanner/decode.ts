/**
 * Frame bytes → ScanRead: text decoding, prefix/suffix strip, AIM identifier, and the
 * garbage gate. A frame with control characters other than the GS1/ISO 15434
 * separators (GS, RS, EOT) is line noise, not a barcode: reject it rather than journal it.
 */
import type { RejectedInput, ScanRead } from './types.js'
import { TextDecoder } from 'node:util'
import { parseAim } from './aim.js'

export type TextEncoding = 'utf8' | 'latin1' | 'gb18030'

export interface DecodeOptions {
  encoding: TextEncoding
  symbologyIds: 'none' | 'aim'
  stripPrefix: string
  stripSuffix: string
}

// C0 controls except GS (0x1d, GS1 FNC1 separator), RS (0x1e) and EOT (0x04) used by
// ISO/IEC 15434 structured data; DEL too.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\x00-\x03\x05-\x1c\x1f\x7f]/

const decoders = new Map<TextEncoding, TextDecoder>()
function decoder(encoding: TextEncoding): TextDecoder {
  let d = decoders.get(encoding)
  if (!d) {
    d = new TextDecoder(encoding === 'utf8' ? 'utf-8' : encoding, { fatal: true })
    decoders.set(encoding, d)
  }
  return d
}

export type DecodeResult = { ok: true; read: ScanRead } | { ok: false; rejected: RejectedInput }

export function decodeFrame(bytes: Uint8Array, opts: DecodeOptions): DecodeResult {
  let text: string
  try {
    text = decoder(opts.encoding).decode(bytes)
  } catch {
    return reject('bad_encoding', `not valid ${opts.encoding}: ${preview(bytes)}`, bytes.length)
  }
  return decodeText(text, opts, bytes.length)
}

export function decodeText(
  text: string,
  opts: Omit<DecodeOptions, 'encoding'>,
  byteLength = text.length,
): DecodeResult {
  if (opts.stripPrefix && text.startsWith(opts.stripPrefix)) text = text.slice(opts.stripPrefix.length)
  if (opts.stripSuffix && text.endsWith(opts.stripSuffix)) text = text.slice(0, -opts.stripSuffix.length)
  const bad = FORBIDDEN.exec(text)
  if (bad) {
    const code = bad[0].charCodeAt(0).toString(16).padStart(2, '0')
    return reject('control_chars', `control character 0x${code} at offset ${bad.index}`, byteLength)
  }
  let symbology: string | null = null
  let aimId: string | null = null
  if (opts.symbologyIds === 'aim') {
    const aim = parseAim(text)
    if (aim) {
      ;({ symbology, aimId } = aim)
      text = aim.data
    }
  }
  if (text.length === 0) return reject('empty', 'empty scan', byteLength)
  return { ok: true, read: { data: text, symbology, aimId } }
}

function reject(reason: RejectedInput['reason'], detail: string, bytes: number): DecodeResult {
  return { ok: false, rejected: { reason, detail, bytes } }
}

/** First bytes as hex, for logs: enough to recognise the noise, never the whole thing. */
export function preview(bytes: Uint8Array, max = 16): string {
  const hex = Buffer.from(bytes.subarray(0, max)).toString('hex')
  return bytes.length > max ? `${hex}… (${bytes.length} bytes)` : hex
}
