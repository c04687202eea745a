/**
 * The providers' HTTPS calls: one POST, a hard timeout, an optional CA (a private gateway,
 * the tests' local provider), and — the one thing the protocol needs to know — whether a
 * failed call can have reached the provider. A refused or unresolvable connection cannot:
 * nothing was charged. A timeout or a reset after sending can: the answer is unknown.
 */
import { request } from 'node:https'

interface PspReply {
  status: number
  body: string
}

export class PspUnreachable extends Error {
  override readonly name = 'PspUnreachable'
}

/** Errors raised before a byte of the request could have reached the provider. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])

export function post(
  url: string,
  body: string,
  opts: { contentType: string; timeoutMs: number; ca?: string | Buffer; cert?: Buffer; key?: Buffer },
): Promise<PspReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': opts.contentType, 'content-length': Buffer.byteLength(body) },
        ca: opts.ca,
        cert: opts.cert,
        key: opts.key,
        timeout: opts.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
        res.on('error', reject)
      },
    )
    req.on('timeout', () => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)))
    req.on('error', (err: NodeJS.ErrnoException) =>
      reject(err.code && NOT_SENT.has(err.code) ? new PspUnreachable(`${err.code}: ${err.message}`) : err),
    )
    req.end(body)
  })
}
