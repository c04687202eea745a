/**
 * One-time codes for the optional phone check: six digits, sent through a pluggable
 * sender, kept only as a hash, void after a few wrong tries or when they expire.
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto'
import type { Logger } from '../log.js'
import type { Lang } from '../../config/schema-parts.js'

/** Delivers a code to a phone: the cloud's SMS service, or the gateway log in development. */
export interface CodeSender {
  readonly kind: string
  /** Resolves once the code is on its way; rejects with words a guest may read. */
  send(phone: string, code: string, lang: Lang): Promise<void>
}

export class DevCodeSender implements CodeSender {
  readonly kind = 'dev'
  constructor(private readonly log: Logger) {}
  async send(phone: string, code: string): Promise<void> {
    // Development only: the code is in the log so a tester can type it.
    this.log.warn({ phoneEnd: phone.slice(-4), code }, 'one-time code (development sender: not sent anywhere)')
  }
}

export type CodeCheck<T> =
  | { ok: true; pending: T }
  | { ok: false; reason: 'wrong_code'; attemptsLeft: number }
  | { ok: false; reason: 'code_expired' | 'too_many_attempts' }

interface Challenge<T> {
  hash: Buffer
  expiresAt: number
  attemptsLeft: number
  pending: T
}

export class OneTimeCodes<T> {
  private readonly challenges = new Map<string, Challenge<T>>()

  constructor(
    private readonly ttlMs: number,
    private readonly attempts: number,
  ) {}

  /** A new code for what waits on it; returns the challenge id (for the form) and the code (for the sender). */
  create(pending: T, now = Date.now()): { id: string; code: string } {
    this.prune(now)
    const id = randomBytes(16).toString('base64url')
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
    this.challenges.set(id, {
      hash: hashOf(id, code),
      expiresAt: now + this.ttlMs,
      attemptsLeft: this.attempts,
      pending,
    })
    return { id, code }
  }

  check(id: string, code: string, now = Date.now()): CodeCheck<T> {
    const c = this.challenges.get(id)
    if (!c || c.expiresAt <= now) {
      this.challenges.delete(id)
      return { ok: false, reason: 'code_expired' }
    }
    if (c.attemptsLeft <= 0) return { ok: false, reason: 'too_many_attempts' }
    if (/^\d{6}$/.test(code) && timingSafeEqual(hashOf(id, code), c.hash)) {
      this.challenges.delete(id)
      return { ok: true, pending: c.pending }
    }
    c.attemptsLeft--
    return c.attemptsLeft > 0
      ? { ok: false, reason: 'wrong_code', attemptsLeft: c.attemptsLeft }
      : { ok: false, reason: 'too_many_attempts' }
  }

  private prune(now: number): void {
    for (const [id, c] of this.challenges) if (c.expiresAt <= now) this.challenges.delete(id)
  }
}

function hashOf(id: string, code: string): Buffer {
  return createHash('sha256').update(`${id}:${code}`).digest()
}
