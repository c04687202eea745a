/**
 * Cashier logins at /till by PIN. Sessions live in memory (a restart means logging in
 * again, which a cashier notices at once); failed PINs lock the source out for a while,
 * because a 4-digit PIN falls to 10,000 guesses.
 */
import { randomBytes } from 'node:crypto'
import { verifyPin } from '../auth/secrets.js'

export interface CashierAccount {
  id: string
  name: string
  pinHash: string
}

export interface CashierSession {
  token: string
  cashierId: string
  name: string
  /** The till scanner this screen follows; its scans are attributed to this cashier. */
  deviceId: string | null
  expiresAt: number
}

export class LoginError extends Error {
  override readonly name = 'LoginError'
  constructor(
    readonly code: 'wrong_pin' | 'locked_out',
    message: string,
    readonly retryAfterSeconds = 0,
  ) {
    super(message)
  }
}

const MAX_FAILURES = 5
const LOCKOUT_MS = 5 * 60_000

export class CashierSessions {
  private readonly sessions = new Map<string, CashierSession>()
  private readonly failures = new Map<string, { count: number; lockedUntil: number }>()

  constructor(
    private readonly accounts: CashierAccount[],
    private readonly lifetimeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Finds the cashier whose PIN this is (PINs are unique per store by convention; the first match wins). */
  async login(pin: string, source: string, deviceId: string | null): Promise<CashierSession> {
    this.checkLock(source)
    for (const account of this.accounts) {
      if (await verifyPin(pin, account.pinHash)) {
        this.failures.delete(source)
        const session = { token: randomBytes(24).toString('base64url'), cashierId: account.id, name: account.name, deviceId, expiresAt: this.now() + this.lifetimeMs }
        this.sessions.set(session.token, session)
        return session
      }
    }
    this.recordFailure(source)
    throw new LoginError('wrong_pin', 'wrong PIN')
  }

  /** Checks a PIN for one action (void) without starting a session; same lockout. */
  async confirm(cashierId: string, pin: string, source: string): Promise<boolean> {
    this.checkLock(source)
    const account = this.accounts.find((a) => a.id === cashierId)
    if (account && (await verifyPin(pin, account.pinHash))) return true
    this.recordFailure(source)
    return false
  }

  private checkLock(source: string): void {
    const f = this.failures.get(source)
    if (f && f.lockedUntil > this.now()) {
      throw new LoginError('locked_out', 'too many wrong PINs; wait before trying again', Math.ceil((f.lockedUntil - this.now()) / 1000))
    }
  }

  private recordFailure(source: string): void {
    const count = (this.failures.get(source)?.count ?? 0) + 1
    const locked = count >= MAX_FAILURES
    this.failures.set(source, { count: locked ? 0 : count, lockedUntil: locked ? this.now() + LOCKOUT_MS : 0 })
  }

  get(token: string | undefined): CashierSession | null {
    if (!token) return null
    const s = this.sessions.get(token)
    if (!s) return null
    if (s.expiresAt <= this.now()) {
      this.sessions.delete(token)
      return null
    }
    return s
  }

  logout(token: string): void {
    this.sessions.delete(token)
  }

  /** The cashier most recently logged in on a screen following `deviceId`. */
  cashierFor(deviceId: string): string | null {
    let best: CashierSession | null = null
    for (const s of this.sessions.values()) {
      if (s.deviceId === deviceId && s.expiresAt > this.now() && (!best || s.expiresAt > best.expiresAt)) best = s
    }
    return best?.cashierId ?? null
  }
}
