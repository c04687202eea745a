/**
 * Ed25519 key files. Each gateway creates its issuer key pair on first start; the private
 * key never leaves the machine (file mode 0600, like ssh refusing a readable key). The
 * operator enrols the public key in the trust list (`tillside keys show` prints it).
 */
import { CodedError } from '../../config/coded-error.js'
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

export class KeyFileError extends CodedError<'insecure_mode' | 'unreadable' | 'not_ed25519'> {
  override readonly name = 'KeyFileError'
}

export interface KeyPair {
  privateKey: KeyObject
  publicKey: KeyObject
  /** Raw 32-byte public key, base64url: the form trust lists and config carry. */
  publicKeyText: string
}

/** Loads the key pair at `file`, creating it (mode 0600) if absent. */
export function loadOrCreateKeyPair(file: string): KeyPair & { created: boolean } {
  let pem: string
  try {
    const mode = statSync(file).mode & 0o777
    if ((mode & 0o077) !== 0) {
      throw new KeyFileError(
        'insecure_mode',
        `${file} is readable by others (mode ${mode.toString(8)}); run: chmod 600 ${file}`,
      )
    }
    pem = readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      if (err instanceof KeyFileError) throw err
      throw new KeyFileError('unreadable', `cannot read ${file}: ${(err as Error).message}`)
    }
    const { privateKey } = generateKeyPairSync('ed25519')
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
    // 'wx': never overwrite a key another process created a moment ago.
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' })
    chmodSync(file, 0o600) // the umask may have narrowed, never widened, but be explicit
    return { ...keyPairFromPrivate(privateKey, file), created: true }
  }
  return { ...keyPairFromPrivate(parsePrivate(pem, file), file), created: false }
}

export function readPrivateKeyFile(file: string): KeyPair {
  let pem: string
  try {
    pem = readFileSync(file, 'utf8')
  } catch (err) {
    throw new KeyFileError('unreadable', `cannot read ${file}: ${(err as Error).message}`)
  }
  return keyPairFromPrivate(parsePrivate(pem, file), file)
}

export function generateKeyPair(): KeyPair {
  return keyPairFromPrivate(generateKeyPairSync('ed25519').privateKey, '(generated)')
}

/** Imports a raw base64url Ed25519 public key; throws a message naming `what` when it is not one. */
export function publicKeyFromText(text: string, what: string): KeyObject {
  const raw = Buffer.from(text, 'base64url')
  if (raw.length !== 32 || raw.toString('base64url') !== text) {
    throw new KeyFileError('not_ed25519', `${what}: not a 32-byte base64url Ed25519 public key`)
  }
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: text }, format: 'jwk' })
}

function parsePrivate(pem: string, file: string): KeyObject {
  try {
    const key = createPrivateKey(pem)
    if (key.asymmetricKeyType === 'ed25519') return key
  } catch {
    // fall through to the precise error
  }
  throw new KeyFileError('not_ed25519', `${file} is not an Ed25519 private key (PKCS#8 PEM)`)
}

function keyPairFromPrivate(privateKey: KeyObject, file: string): KeyPair {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new KeyFileError('not_ed25519', `${file} is not an Ed25519 key`)
  const publicKey = createPublicKey(privateKey)
  const jwk = publicKey.export({ format: 'jwk' })
  return { privateKey, publicKey, publicKeyText: jwk.x! }
}
