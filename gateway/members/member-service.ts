/**
 * Members: enrol by phone with consent, find by phone, identify by the rotating member
 * QR. Used by the till (member scans), the POS API, the kiosk (#6) and the portal (#7).
 */
import { CodedError } from '../../config/coded-error.js'
import { randomBytes } from 'node:crypto'
import { MemberReads, type MemberValue } from '../store/read/member-reads.js'
import type { Journal } from '../store/journal.js'
import type { Logger } from '../log.js'
import { Tally } from '../log-tally.js'
import type { ConsentInput } from '../store/tx/member-tx.js'
import type { MemberKeys } from './member-keys.js'
import { maskPhone, normalisePhone, PhoneError } from './phone.js'
import { checkMemberCode, memberCode, parseMemberCode, type MemberCodeProblem } from './member-code.js'

export class MemberError extends CodedError<
  'invalid_phone' | 'consent_required' | 'unknown_member' | 'card_not_empty' | 'invalid_tag'
> {
  override readonly name = 'MemberError'
}

export interface EnrolRequest {
  phone: string
  /** Membership consent is required; marketing and following the store are optional. */
  consents: { membership: boolean; marketing?: boolean; followStore?: boolean }
  channel: 'portal' | 'kiosk' | 'pos' | 'till'
  device?: string | null
}

export type IdentifyResult =
  { ok: true; memberId: string } | { ok: false; reason: MemberCodeProblem | 'unknown_member'; detail: string }

export interface MemberProfile {
  joinedAt: number
  phone: string | null
  consents: { marketing: boolean | null; followStore: boolean | null }
  value: MemberValue | null
  tags: string[]
}

export class MemberService {
  private readonly tally: Tally
  private readonly reads: MemberReads

  constructor(
    private readonly journal: Journal,
    private readonly keys: MemberKeys,
    private readonly opts: { defaultCountryCode: string; consentVersion: string },
    private readonly log: Logger,
  ) {
    this.tally = new Tally(log, 'members in the last minute')
    this.reads = new MemberReads(journal)
  }

  async enrol(req: EnrolRequest): Promise<{ memberId: string; created: boolean }> {
    if (req.consents.membership !== true)
      throw new MemberError('consent_required', "membership needs the customer's explicit consent")
    const phone = this.normalise(req.phone)
    const version = this.opts.consentVersion
    const consents: ConsentInput[] = [{ kind: 'membership', version, granted: true }]
    if (req.consents.marketing !== undefined)
      consents.push({ kind: 'marketing', version, granted: req.consents.marketing })
    if (req.consents.followStore !== undefined)
      consents.push({ kind: 'follow_store', version, granted: req.consents.followStore })
    const { result } = await this.journal.execute('member.enrol', {
      memberId: randomBytes(10).toString('hex'),
      phoneHash: this.keys.phoneHash(phone),
      phoneEnc: this.keys.encrypt(phone),
      qrSecret: randomBytes(20).toString('base64url'),
      consents,
      channel: req.channel,
      device: req.device ?? null,
    })
    this.log.debug(
      { memberId: result.memberId, created: result.created, channel: req.channel },
      result.created ? 'member enrolled' : 'member found',
    )
    this.tally.add(result.created ? 'enrolled' : 'found')
    return result
  }

  findByPhone(phone: string): string | null {
    const hash = this.keys.phoneHash(this.normalise(phone))
    return this.reads.idByPhoneHash(hash)
  }

  /** Whether the member's latest answer for a consent kind (membership, marketing, follow_store) is yes. */
  consents(memberId: string, kind: string): boolean {
    return this.reads.latestConsent(memberId, kind) === true
  }

  /** The member's own phone number (for "my account"); never logged or synced. */
  phoneOf(memberId: string): string | null {
    const sealed = this.reads.sealedPhone(memberId)
    return sealed ? this.keys.decrypt(sealed) : null
  }

  count(): number {
    return this.reads.count()
  }

  /** Members whose latest answer is yes, per consent kind. */
  consentTotals(): Record<string, number> {
    return this.reads.consentTotals()
  }

  /** The member's latest answer for a consent kind; null when never asked. */
  consentOf(memberId: string, kind: string): boolean | null {
    return this.reads.latestConsent(memberId, kind)
  }

  /** What the back office shows of a member: the phone masked, never in clear. */
  profile(memberId: string): MemberProfile | null {
    const joinedAt = this.reads.joinedAt(memberId)
    if (joinedAt === null) return null
    const phone = this.phoneOf(memberId)
    const consent = (kind: string) => this.reads.latestConsent(memberId, kind)
    return {
      joinedAt,
      phone: phone === null ? null : maskPhone(phone),
      consents: { marketing: consent('marketing'), followStore: consent('follow_store') },
      value: this.reads.value(memberId),
      tags: this.reads.tagsOf(memberId),
    }
  }

  /**
   * Forgets a member (docs/members.md, "Privacy"): on their request, a manager's, or after
   * the retention period. Refused while their card holds money (card_not_empty).
   */
  async forget(memberId: string, reason: 'request' | 'retention', by: string): Promise<void> {
    const { result } = await this.journal.execute('member.forget', {
      memberId,
      reason,
      by,
      qrSecret: randomBytes(20).toString('base64url'),
    })
    if (!result.ok)
      throw new MemberError(
        result.reason,
        result.reason === 'card_not_empty'
          ? 'their card still holds money: pay it out or spend it first'
          : `member ${memberId} is not known at this store`,
      )
    this.log.info({ memberId, reason, by }, 'member forgotten')
  }

  /** A manager's tag on a member (`add`), or taken off; a tag is 1–32 printable characters. */
  async tag(memberId: string, tag: string, add: boolean, by: string): Promise<boolean> {
    const clean = tag.normalize('NFKC').trim()
    if (!/^[^\p{C}]{1,32}$/u.test(clean))
      throw new MemberError('invalid_tag', 'a tag is 1 to 32 characters, no control characters')
    const { result } = await this.journal.execute('member.tag', { memberId, tag: clean, add, by })
    if (!result.known) throw new MemberError('unknown_member', `member ${memberId} is not known at this store`)
    return result.changed
  }

  /** Whether a member carries a tag (campaign audiences). */
  hasTag(memberId: string, tag: string): boolean {
    return this.reads.tagsOf(memberId).includes(tag)
  }

  /** Every tagged member's tags (the segments export). */
  allTags(): Map<string, string[]> {
    return this.reads.allTags()
  }

  /** Members due to be forgotten: not seen since `before`, no money on a card. */
  dueForRetention(before: number, limit: number): string[] {
    return this.reads.dueForRetention(before, limit)
  }

  /** The member QR to show now (it changes every 30 s). */
  currentCode(memberId: string, now = Date.now()): string {
    return memberCode(memberId, this.secretOf(memberId), now)
  }

  identify(code: string, now = Date.now()): IdentifyResult {
    const parsed = parseMemberCode(code)
    if (!parsed) return { ok: false, reason: 'malformed', detail: 'not a readable member code' }
    let secret: Buffer
    try {
      secret = this.secretOf(parsed.memberId)
    } catch {
      return { ok: false, reason: 'unknown_member', detail: `member ${parsed.memberId} is not known at this store` }
    }
    const problem = checkMemberCode(parsed, secret, now)
    if (problem === 'member_code_expired')
      return { ok: false, reason: problem, detail: 'an old screenshot of the member code; ask for the live code' }
    if (problem) return { ok: false, reason: problem, detail: 'member code does not verify' }
    return { ok: true, memberId: parsed.memberId }
  }

  private secretOf(memberId: string): Buffer {
    const secret = this.reads.qrSecret(memberId)
    if (!secret) throw new MemberError('unknown_member', `member ${memberId} is not known at this store`)
    return Buffer.from(secret, 'base64url')
  }

  private normalise(phone: string): string {
    try {
      return normalisePhone(phone, this.opts.defaultCountryCode)
    } catch (err) {
      if (err instanceof PhoneError) throw new MemberError('invalid_phone', err.message)
      throw err
    }
  }
}
