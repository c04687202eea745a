/**
 * Alipay's OpenAPI signatures (RSA2 = SHA256withRSA), as its documentation gives them:
 * a request is signed over its parameters sorted by name, `name=value` joined with `&`,
 * the `sign` parameter and empty values left out; a response is verified over the exact
 * text of its `<method>_response` object, with Alipay's public key. An answer whose
 * signature does not verify is never believed.
 */
import { createSign, createVerify, type KeyObject } from 'node:crypto'

export function signingString(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&')
}

export function signParams(params: Record<string, string>, privateKey: KeyObject): string {
  return createSign('RSA-SHA256').update(signingString(params), 'utf8').sign(privateKey, 'base64')
}

export class AlipaySignatureError extends Error {
  override readonly name = 'AlipaySignatureError'
}

/**
 * The `<method>_response` object of an answer, once its signature verifies; throws
 * AlipaySignatureError otherwise (a missing, wrong or unreadable signature alike).
 */
export function verifiedResponse(raw: string, method: string, publicKey: KeyObject): Record<string, unknown> {
  const node = `${method.replaceAll('.', '_')}_response`
  const text = objectText(raw, node)
  let sign: unknown
  try {
    sign = (JSON.parse(raw) as Record<string, unknown>).sign
  } catch {
    throw new AlipaySignatureError('the answer is not JSON')
  }
  if (text === null || typeof sign !== 'string') throw new AlipaySignatureError(`no signed ${node} in the answer`)
  if (!createVerify('RSA-SHA256').update(text, 'utf8').verify(publicKey, sign, 'base64'))
    throw new AlipaySignatureError(`the signature of ${node} does not verify`)
  return JSON.parse(text) as Record<string, unknown>
}

/** The raw text of the object value of top-level key `key` (strings and nesting respected), or null. */
function objectText(raw: string, key: string): string | null {
  const at = raw.indexOf(`"${key}"`)
  if (at < 0) return null
  const start = raw.indexOf('{', at + key.length + 2)
  if (start < 0) return null
  let depth = 0
  let inString = false
  for (let i = start; i < raw.length; i++) {
    const c = raw[i]
    if (inString) {
      if (c === '\\') i++
      else if (c === '"') inString = false
    } else if (c === '"') inString = true
    else if (c === '{') depth++
    else if (c === '}' && --depth === 0) return raw.slice(start, i + 1)
  }
  return null
}
