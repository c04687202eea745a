/**
 * Links that carry their own permission: `path?exp=…&sig=…`, an HMAC over the path and
 * expiry with a key kept in dataDir/keys/. A manager can open a print preview in any
 * browser from the link the API handed out, without a token in the URL, and only that
 * path, only until it expires. The key file survives restarts, so links do too.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { join } from 'node:path'
import { loadOrCreateSecret } from './key-file.js'

export type LinkCheck = 'ok' | 'expired' | 'bad_signature'

export class LinkSigner {
  constructor(private readonly key: Buffer) {}

  static forDataDir(dataDir: string): LinkSigner {
    return new LinkSigner(loadOrCreateSecret(join(dataDir, 'keys', 'links.key'), 32))
  }

  /** `path` with an expiry (whole seconds) and signature appended. */
  sign(path: string, ttlMs: number, now = Date.now()): string {
    const { exp, sig } = this.signature(path, ttlMs, now)
    return `${path}?exp=${exp}&sig=${sig}`
  }

  /** The expiry and signature alone, for tokens that are not links (checked with `check`). */
  signature(path: string, ttlMs: number, now = Date.now()): { exp: string; sig: string } {
    const exp = Math.ceil((now + ttlMs) / 1000)
    return { exp: String(exp), sig: this.mac(path, exp) }
  }

  check(path: string, exp: unknown, sig: unknown, now = Date.now()): LinkCheck {
    if (typeof exp !== 'string' || !/^\d{1,12}$/.test(exp) || typeof sig !== 'string') return 'bad_signature'
    const expected = Buffer.from(this.mac(path, Number(exp)))
    const given = Buffer.from(sig)
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad_signature'
    return Number(exp) * 1000 < now ? 'expired' : 'ok'
  }

  private mac(path: string, exp: number): string {
    return createHmac('sha256', this.key).update(`${path}\n${exp}`).digest('base64url')
  }
}
