/**
 * PIN and token hashes for the config file, so it never holds a secret in the clear.
 * PINs are 4–8 digits: a plain hash would fall to a table of 10^8 entries, so they get
 * scrypt with a salt (plus the lockout in cashier-sessions.ts). POS tokens are long
 * random strings, where SHA-256 is enough.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'

const scryptAsync = promisify(scrypt) as (pin: string, salt: Buffer, keylen: number, opts: object) => Promise<Buffer>
const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }
export const PIN_PATTERN = /^\d{4,8}$/

export async function hashPin(pin: string): Promise<string> {
  if (!PIN_PATTERN.test(pin)) throw new RangeError('a PIN is 4 to 8 digits')
  const salt = randomBytes(16)
  const hash = await scryptAsync(pin, salt, 32, SCRYPT)
  return `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`
}

export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const [scheme, saltText, hashText] = stored.split('$')
  if (scheme !== 'scrypt' || !saltText || !hashText || !PIN_PATTERN.test(pin)) return false
  const expected = Buffer.from(hashText, 'base64url')
  const actual = await scryptAsync(pin, Buffer.from(saltText, 'base64url'), expected.length, SCRYPT)
  return timingSafeEqual(actual, expected)
}

/** Back-office passwords (admin.users[].passwordHash): 10 to 200 characters, the same scrypt as PINs. */
export const PASSWORD_MIN = 10

export async function hashPassword(password: string): Promise<string> {
  if (password.length < PASSWORD_MIN || password.length > 200)
    throw new RangeError(`a password is ${PASSWORD_MIN} to 200 characters`)
  const salt = randomBytes(16)
  const hash = await scryptAsync(password, salt, 32, SCRYPT)
  return `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`
}

/** A hash no password matches, so an unknown user costs the same scrypt as a wrong password. */
const NOBODY = `scrypt$${randomBytes(16).toString('base64url')}$${randomBytes(32).toString('base64url')}`

export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const [scheme, saltText, hashText] = (stored ?? NOBODY).split('$')
  if (scheme !== 'scrypt' || !saltText || !hashText || password.length > 200) return false
  const expected = Buffer.from(hashText, 'base64url')
  const actual = await scryptAsync(password, Buffer.from(saltText, 'base64url'), expected.length, SCRYPT)
  return timingSafeEqual(actual, expected) && stored !== undefined
}

export function hashToken(token: string): string {
  return `sha256$${createHash('sha256').update(token).digest('hex')}`
}

/** Constant-time comparison of a presented token against stored hashes; returns the match's index or -1. */
export function matchToken(token: string, storedHashes: string[]): number {
  const presented = Buffer.from(hashToken(token))
  let found = -1
  storedHashes.forEach((h, i) => {
    const stored = Buffer.from(h)
    if (stored.length === presented.length && timingSafeEqual(stored, presented)) found = i
  })
  return found
}

export function generateToken(): string {
  return randomBytes(24).toString('base64url')
}
