/**
 * Joining the guest Wi-Fi: phone number and explicit consent (optionally a one-time code
 * sent to the phone), the member found or enrolled, a session recorded, and the access
 * controller told to let the guest on. Limits per device and per phone stop abuse;
 * nobody gets online without the membership consent.
 */
import { CodedError } from '../../config/coded-error.js'
import type { Logger } from '../log.js'
import { Tally } from '../log-tally.js'
import type { EnrolRequest, MemberService } from '../members/member-service.js'
import { normalisePhone } from '../members/phone.js'
import type { PortalConfig } from '../../config/portal-schema.js'
import type { Lang } from '../../config/schema-parts.js'
import type { AccessController } from './controllers/controller.js'
import type { FasQuery } from './controllers/opennds-fas.js'
import { OneTimeCodes, type CodeSender } from './one-time-codes.js'
import type { OpenSession, PortalSessions } from './portal-sessions.js'
import { RateLimiter } from '../auth/rate-limiter.js'

type PortalCode =
  | 'consent_required'
  | 'invalid_phone'
  | 'rate_limited'
  | 'wrong_code'
  | 'code_expired'
  | 'too_many_attempts'
  | 'code_not_sent'
  | 'bad_fas'
  | 'fas_used'
  | 'not_let_on'

export class PortalError extends CodedError<PortalCode> {
  override readonly name = 'PortalError'

  constructor(
    code: PortalCode,
    message: string,
    readonly retryAfterSeconds?: number,
    readonly attemptsLeft?: number,
  ) {
    super(code, message)
  }
}

export interface JoinRequest {
  ip: string
  phone: string
  consents: EnrolRequest['consents']
  lang: Lang
  /** Where the guest lands after login (the portal's welcome page). */
  landing: string
  /** openNDS: the verified query the router sent the guest with. */
  fas?: FasQuery
}

export type JoinResult =
  | { step: 'code'; challenge: string; phoneEnd: string }
  | { step: 'done'; next: string; session: OpenSession; created: boolean }

interface Pending extends JoinRequest {
  mac: string | null
}

const HOUR = 3_600_000

export class PortalService {
  private readonly codes: OneTimeCodes<Pending>
  private readonly perClient: RateLimiter
  private readonly perPhone: RateLimiter
  private readonly tally: Tally
  private readonly codesPerPhone: RateLimiter
  /** openNDS hids already used for a login (a hid is one guest's one connection). */
  private readonly usedHids = new Map<string, number>()

  constructor(
    private readonly config: PortalConfig,
    private readonly deps: {
      members: Pick<MemberService, 'enrol'>
      sessions: PortalSessions
      controller: AccessController
      sender: CodeSender
      defaultCountryCode: string
    },
    private readonly log: Logger,
  ) {
    this.tally = new Tally(log, 'guest Wi-Fi in the last minute')
    this.codes = new OneTimeCodes(config.otp.ttlSeconds * 1000, config.limits.codeAttempts)
    this.perClient = new RateLimiter(config.limits.loginsPerClientPerHour, HOUR)
    this.perPhone = new RateLimiter(config.limits.loginsPerPhonePerHour, HOUR)
    this.codesPerPhone = new RateLimiter(config.limits.codesPerPhonePerHour, HOUR)
  }

  async join(req: JoinRequest): Promise<JoinResult> {
    if (req.consents.membership !== true)
      throw new PortalError('consent_required', 'joining the Wi-Fi needs your consent to membership')
    if (req.fas) {
      if (req.fas.clientip !== req.ip) throw new PortalError('bad_fas', 'this login link belongs to another device')
      if (this.usedHids.has(req.fas.hid))
        throw new PortalError('fas_used', 'this login link was already used; reconnect to the Wi-Fi for a new one')
    }
    const mac = req.fas?.clientmac ?? (await this.deps.controller.macOf(req.ip))
    // Per device first: a flood of made-up numbers from one phone stops here.
    limit(this.perClient, `client:${mac ?? req.ip}`, 'too many logins from this device')
    const phone = this.phone(req.phone)
    limit(this.perPhone, phone, 'too many logins with this phone number')
    const pending: Pending = { ...req, phone, mac }
    if (!this.config.otp.required) return this.complete(pending)
    limit(this.codesPerPhone, phone, 'too many codes sent to this number')
    const { id, code } = this.codes.create(pending)
    try {
      await this.deps.sender.send(phone, code, req.lang)
    } catch (err) {
      this.log.warn({ err: (err as Error).message, sender: this.deps.sender.kind }, 'one-time code not sent')
      throw new PortalError('code_not_sent', `the code could not be sent: ${(err as Error).message}`)
    }
    return { step: 'code', challenge: id, phoneEnd: phone.slice(-4) }
  }

  /** The code the guest typed; the login completes from where join() left it. */
  async verify(challenge: string, code: string, ip: string): Promise<JoinResult> {
    const check = this.codes.check(challenge, code.trim())
    if (!check.ok) {
      if (check.reason === 'wrong_code')
        throw new PortalError(
          'wrong_code',
          `wrong code; ${check.attemptsLeft} tries left`,
          undefined,
          check.attemptsLeft,
        )
      if (check.reason === 'too_many_attempts')
        throw new PortalError('too_many_attempts', 'too many wrong codes; ask for a new one')
      throw new PortalError('code_expired', 'the code has expired; ask for a new one')
    }
    // The code proves the phone, not the device: it must be finished where it was asked.
    if (check.pending.ip !== ip)
      throw new PortalError('bad_fas', 'finish the login on the device that asked for the code')
    return this.complete(check.pending)
  }

  private async complete(p: Pending): Promise<JoinResult> {
    const { memberId, created } = await this.deps.members.enrol({
      phone: p.phone,
      consents: p.consents,
      channel: 'portal',
      device: null,
    })
    const session = await this.deps.sessions.open(memberId, { ip: p.ip, mac: p.mac }, this.deps.controller.kind)
    if (p.fas) this.rememberHid(p.fas.hid, session.expiresAt)
    try {
      const { next } = await this.deps.controller.authorise({
        sessionId: session.id,
        member: memberId,
        client: { ip: p.ip, mac: p.mac },
        expiresAt: session.expiresAt,
        idleSeconds: this.config.session.idleMinutes * 60,
        fas: p.fas,
        landing: p.landing,
      })
      this.log.debug({ session: session.id, memberId, created, controller: this.deps.controller.kind }, 'guest joined')
      this.tally.add('joined')
      if (created) this.tally.add('newMembers')
      return { step: 'done', next, session, created }
    } catch (err) {
      // The member and consent stand; the session does not, since nobody was let on.
      await this.deps.sessions.end([session.id], 'controller_failed')
      this.log.error({ err, session: session.id }, 'controller did not let the guest on')
      throw new PortalError('not_let_on', 'the Wi-Fi could not let you on; please ask the staff')
    }
  }

  private phone(raw: string): string {
    try {
      return normalisePhone(raw, this.deps.defaultCountryCode)
    } catch (err) {
      throw new PortalError('invalid_phone', err instanceof Error ? err.message : 'not a phone number')
    }
  }

  private rememberHid(hid: string, until: number): void {
    const now = Date.now()
    for (const [h, t] of this.usedHids) if (t <= now) this.usedHids.delete(h)
    this.usedHids.set(hid, until)
  }
}

function limit(limiter: RateLimiter, key: string, what: string): void {
  const r = limiter.take(key)
  if (!r.ok)
    throw new PortalError(
      'rate_limited',
      `${what}; try again in ${Math.ceil(r.retryAfterSeconds / 60)} min`,
      r.retryAfterSeconds,
    )
}
