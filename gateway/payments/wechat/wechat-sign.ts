/**
 * WeChat Pay (API v2) messages: flat XML (<xml><name>value</name>…</xml>), signed with
 * HMAC-SHA256 keyed by the merchant's API key over the fields sorted by name,
 * `name=value` joined with `&`, then `&key=<API key>`, empty fields and `sign` left out,
 * the hex in upper case. Answers are verified the same way; one that does not verify is
 * never believed.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { XMLBuilder, XMLParser } from 'fast-xml-parser'

export type Fields = Record<string, string>

export function wechatSign(fields: Fields, apiKey: string): string {
  const text = Object.keys(fields)
    .filter((k) => k !== 'sign' && fields[k] !== '' && fields[k] !== undefined)
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('&')
  return createHmac('sha256', apiKey).update(`${text}&key=${apiKey}`, 'utf8').digest('hex').toUpperCase()
}

const builder = new XMLBuilder({ cdataPropName: '__cdata' })
// Every value as text: an amount or an id must never turn into a number on the way.
const parser = new XMLParser({ parseTagValue: false, processEntities: false, trimValues: true })

export function toXml(fields: Fields): string {
  const wrapped = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, { __cdata: v }]))
  return builder.build({ xml: wrapped }) as string
}

export class WechatMessageError extends Error {
  override readonly name = 'WechatMessageError'
}

/** The fields of a flat `<xml>` message; throws WechatMessageError when it is not one. */
export function fromXml(text: string): Fields {
  let doc: unknown
  try {
    doc = parser.parse(text)
  } catch (err) {
    throw new WechatMessageError(`not XML: ${(err as Error).message}`)
  }
  const xml = (doc as { xml?: unknown }).xml
  if (typeof xml !== 'object' || xml === null) throw new WechatMessageError('no <xml> message')
  const fields: Fields = {}
  for (const [k, v] of Object.entries(xml)) {
    if (typeof v === 'object' && v !== null) throw new WechatMessageError(`field ${k} is not flat`)
    fields[k] = String(v)
  }
  return fields
}

/** The answer's fields once its signature verifies. */
export function verified(fields: Fields, apiKey: string): Fields {
  const sign = fields.sign ?? ''
  const expected = wechatSign(fields, apiKey)
  if (sign.length !== expected.length || !timingSafeEqual(Buffer.from(sign), Buffer.from(expected)))
    throw new WechatMessageError('the signature of the answer does not verify')
  return fields
}
