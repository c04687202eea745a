/**
 * Who may use the back office: admin.users, their passwords (scrypt), a lockout that
 * counts guesses before the slow hash runs (AttemptGuard, as for cashier PINs), and a
 * per-user epoch that ends every session of a user who logs out (sessions are signed
 * cookies held by the browser, so the server remembers only this number).
 */
import type { AdminConfig } from '../../config/admin-schema.js'
import { AttemptGuard, LockedOutError } from '../auth/attempt-guard.js'
import { verifyPassword } from '../auth/secrets.js'
import type { Logger } from '../log.js'

export type AdminUser = Omit<AdminConfig['users'][number], 'passwordHash'>
export type AdminRole = AdminUser['role']

export class AdminLoginError extends Error {
  override readonly name = 'AdminLoginError'
  constructor(
    readonly code: 'bad_login' | 'locked_out',
    readonly retryAfterSeconds = 0,
  ) {
    super(code === 'bad_login' ? 'wrong user or password' : 'too many wrong passwords; wait before trying again')
  }
}

/** Five wrong passwords for a user (known or not) or from an address lock it for five minutes. */
const PER_USER = { maxFailures: 5, lockoutMs: 5 * 60_000 }
const PER_ADDRESS = { maxFailures: 20, lockoutMs: 5 * 60_000 }

export class AdminAuth {
  private readonly guard: AttemptGuard
  private readonly epochs = new Map<string, number>()

  constructor(
    private readonly config: AdminConfig,
    private readonly log: Logger,
    /** Journals a login, a logout or a lock (the event admin.session). */
    private readonly record: (user: string, action: 'login' | 'logout' | 'locked') => Promise<unknown>,
    now: () => number = Date.now,
  ) {
    this.guard = new AttemptGuard(now)
  }

  get hasUsers(): boolean {
    return this.config.users.length > 0
  }

  user(id: string): AdminUser | null {
    const u = this.config.users.find((x) => x.id === id)
    return u ? { id: u.id, name: u.name, role: u.role } : null
  }

  /** The same answer, after the same scrypt, for an unknown user and a wrong password. */
  async login(id: string, password: string, ip: string): Promise<AdminUser> {
    let attempt
    try {
      attempt = this.guard.begin([
        { key: `user:${id.slice(0, 64)}`, limits: PER_USER },
        { key: `ip:${ip}`, limits: PER_ADDRESS },
      ])
    } catch (err) {
      if (err instanceof LockedOutError) throw new AdminLoginError('locked_out', err.retryAfterSeconds)
      throw err
    }
    const stored = this.config.users.find((u) => u.id === id)
    if (await verifyPassword(password, stored?.passwordHash)) {
      attempt.succeeded()
      await this.record(id, 'login')
      return this.user(id)!
    }
    const locked = attempt.failed()
    if (locked.length) {
      this.log.warn({ locked, ip }, 'back-office logins locked after repeated wrong passwords')
      // The name typed, known or not: the journal shows which account someone was guessing at.
      await this.record(id.slice(0, 64) || '-', 'locked')
    }
    throw new AdminLoginError('bad_login')
  }

  /** The current epoch of a user's sessions; a session from an older one is over. */
  epoch(id: string): number {
    return this.epochs.get(id) ?? 0
  }

  /** Ends every session of the user (logging out on one screen logs out all of them). */
  async logout(id: string): Promise<void> {
    this.epochs.set(id, this.epoch(id) + 1)
    await this.record(id, 'logout')
  }
}
