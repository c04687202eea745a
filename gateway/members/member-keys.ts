/**
 * Keys for personal data, kept in a file beside the database and never in it: a stolen
 * database (or backup) alone reveals no phone number. One key hashes phones (to find a
 * member without storing the number), the other encrypts the copy kept for the
 * member's own use (AES-256-GCM).
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

export class MemberKeys {
  private constructor(
    private readonly hashKey: Buffer,
    private readonly encKey: Buffer,
  ) {}

  /** Loads the 64-byte key file, creating it (mode 0600) on first start. */
  static loadOrCreate(file: string): MemberKeys {
    let raw: Buffer
    try {
      if ((statSync(file).mode & 0o077) !== 0) throw new Error(`${file} is readable by others; run: chmod 600 ${file}`)
      raw = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      raw = randomBytes(64)
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
      writeFileSync(file, `${raw.toString('base64url')}\n`, { mode: 0o600, flag: 'wx' })
      chmodSync(file, 0o600)
    }
    if (raw.length !== 64) throw new Error(`${file} must hold 64 bytes (base64url); it holds ${raw.length}`)
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
