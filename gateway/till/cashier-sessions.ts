/**
 * Cashier logins at /till by PIN. Sessions live in memory (a restart means logging in
 * again, which a cashier notices at once); failed PINs lock the source out for a while,
 * because a 4-digit PIN falls to 10,000 guesses.
 */
import { randomBytes } from 'node:crypto'
import { AttemptGuard, LockedOutError, type Attempt, type AttemptLimits } from '../auth/attempt-guard.js'
import { verifyPin } from '../auth/secrets.js'
import { CodedError } from '../../config/coded-error.js'

export interface CashierAccount {
  id: string
  name: string
  pinHash: string
  /** A manager's PIN also approves what needs a manager (reversing a card top-up). */
  role?: 'cashier' | 'manager'
}

export interface CashierSession {
  token: string
  cashierId: string
  name: string
  /** The till scanner this screen follows; its scans are attributed to this cashier. */
  deviceId: string | null
  expiresAt: number
}

export class LoginError extends CodedError<'wrong_pin' | 'locked_out'> {
  override readonly name = 'LoginError'
  constructor(
    code: 'wrong_pin' | 'locked_out',
    message: string,
    readonly retryAfterSeconds = 0,
  ) {
    super(code, message)
  }
}

/** Per address and per cashier: five wrong PINs, then five minutes' wait. */
const PER_SOURCE: AttemptLimits = { maxFailures: 5, lockoutMs: 5 * 60_000 }
/**
 * Across the store, for logins (which do not name the cashier): an attacker with many
 * addresses on the LAN still gets only this many guesses per window. Cashiers already
 * logged in keep their sessions while it holds.
 */
const STORE_WIDE: AttemptLimits = { maxFailures: 30, lockoutMs: 15 * 60_000 }

export class CashierSessions {
  private readonly sessions = new Map<string, CashierSession>()
  private readonly guard: AttemptGuard

  constructor(
    private readonly accounts: CashierAccount[],
    private readonly lifetimeMs: number,
    private readonly now: () => number = Date.now,
    /** Told of each key a failure locks (`source:…`, `cashier:…`, `store`), for the log. */
    private readonly onLocked: (key: string) => void = () => {},
  ) {
    this.guard = new AttemptGuard(now)
  }

  /** Finds the cashier whose PIN this is (PINs are unique per store by convention; the first match wins). */
  async login(pin: string, source: string, deviceId: string | null): Promise<CashierSession> {
    const attempt = this.begin([
      { key: `source:${source}`, limits: PER_SOURCE },
      { key: 'store', limits: STORE_WIDE },
    ])
    const account = await this.check(attempt, this.accounts, pin)
    if (!account) throw new LoginError('wrong_pin', 'wrong PIN')
    const now = this.now()
    // A session nobody logs out of is never asked for again: forget the expired ones here.
    for (const [token, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(token)
    const session = {
      token: randomBytes(24).toString('base64url'),
      cashierId: account.id,
      name: account.name,
      deviceId,
      expiresAt: now + this.lifetimeMs,
    }
    this.sessions.set(session.token, session)
    return session
  }

  /** Checks a PIN for one action (void) without starting a session; same lockout, also per cashier. */
  async confirm(cashierId: string, pin: string, source: string): Promise<boolean> {
    const attempt = this.begin([
      { key: `source:${source}`, limits: PER_SOURCE },
      { key: `cashier:${cashierId}`, limits: PER_SOURCE },
    ])
    return (
      (await this.check(
        attempt,
        this.accounts.filter((a) => a.id === cashierId),
        pin,
      )) !== null
    )
  }

  /** A manager's approval on the spot (any manager's PIN); same lockouts as a void. Null: not a manager's PIN. */
  async approveAsManager(pin: string, source: string): Promise<CashierAccount | null> {
    const attempt = this.begin([
      { key: `source:${source}`, limits: PER_SOURCE },
      { key: 'managers', limits: PER_SOURCE },
    ])
    return this.check(
      attempt,
      this.accounts.filter((a) => a.role === 'manager'),
      pin,
    )
  }

  get lockedKeys(): string[] {
    return this.guard.locked()
  }

  private begin(keys: Parameters<AttemptGuard['begin']>[0]): Attempt {
    try {
      return this.guard.begin(keys)
    } catch (err) {
      if (err instanceof LockedOutError) throw new LoginError('locked_out', err.message, err.retryAfterSeconds)
      throw err
    }
  }

  /** Runs the slow hash under a reserved attempt; the attempt is settled whatever happens. */
  private async check(attempt: Attempt, candidates: CashierAccount[], pin: string): Promise<CashierAccount | null> {
    let found: CashierAccount | null = null
    try {
      for (const account of candidates) {
        if (await verifyPin(pin, account.pinHash)) {
          found = account
          break
        }
      }
    } finally {
      if (found) attempt.succeeded()
      else for (const key of attempt.failed()) this.onLocked(key)
    }
    return found
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

  /** Sessions held in memory (expired ones are forgotten at the next login). */
  get size(): number {
    return this.sessions.size
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
