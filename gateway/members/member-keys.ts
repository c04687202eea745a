/**
 * Keys for personal data, kept in a file beside the database and never in it: a stolen
 * database (or backup) alone reveals no phone number. One key hashes phones (to find a
 * member without storing the number), the other encrypts the copy kept for the
 * member's own use (AES-256-GCM).
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto'
import { loadOrCreateSecret } from '../auth/key-file.js'

export class MemberKeys {
  private constructor(
    private readonly hashKey: Buffer,
    private readonly encKey: Buffer,
  ) {}

  /** Loads the 64-byte key file, creating it (mode 0600) on first start. */
  static loadOrCreate(file: string): MemberKeys {
    const raw = loadOrCreateSecret(file, 64)
    return new MemberKeys(raw.subarray(0, 32), raw.subarray(32))
  }

  /** Keyed hash of a normalised phone: equal numbers give equal hashes, and without the key nothing can be tried. */
  phoneHash(e164: string): string {
    return createHmac('sha256', this.hashKey).update(e164).digest('hex')
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv)
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.')
  }

  decrypt(sealed: string): string {
    const [iv, tag, body] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'))
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, iv!)
    decipher.setAuthTag(tag!)
    return Buffer.concat([decipher.update(body!), decipher.final()]).toString('utf8')
  }
}
