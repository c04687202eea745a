/**
 * Secret key files beside the database (never in it): created on first start with mode
 * 0600 and refused when readable by others, as ssh refuses a readable private key.
 */
import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

/** Loads `bytes` random bytes (base64url text) from `file`, creating the file on first use. */
export function loadOrCreateSecret(file: string, bytes: number): Buffer {
  let raw: Buffer
  try {
    if ((statSync(file).mode & 0o077) !== 0) throw new Error(`${file} is readable by others; run: chmod 600 ${file}`)
    raw = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    raw = randomBytes(bytes)
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
    writeFileSync(file, `${raw.toString('base64url')}\n`, { mode: 0o600, flag: 'wx' })
    chmodSync(file, 0o600) // the umask may have narrowed, never widened, but be explicit
  }
  if (raw.length !== bytes) throw new Error(`${file} must hold ${bytes} bytes (base64url); it holds ${raw.length}`)
  return raw
}
