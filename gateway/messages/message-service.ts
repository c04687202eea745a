/**
 * The service window (服务窗, docs/messages.md): the back office composes a message — its
 * text in the store's languages, an optional image, an optional personal offer — to an
 * audience of followers, now or later; members read it in their inbox and may stop
 * following with one tap. Nobody without the consent ever gets anything: a message whose
 * audience holds no consenting member is refused, and the fan-out checks each recipient
 * again when it writes to them.
 */
import { randomUUID } from 'node:crypto'
import { CodedError } from '../../config/coded-error.js'
import type { Logger } from '../log.js'
import type { Journal } from '../store/journal.js'
import type { MemberSegments } from '../members/member-segments.js'
import { MessageReads, type InboxLine, type MessageRow, type Sends } from '../store/read/message-reads.js'
import { VoucherError } from '../vouchers/voucher-service.js'
import { AUDIENCES, audienceFilter, consentsFor, type AudienceKind } from './audience.js'
import type { PersonalOffers } from './personal-offer.js'
import { readImage } from './message-image.js'

export class MessageError extends CodedError<
  'invalid_message' | 'no_recipients' | 'invalid_offer' | 'unknown_message' | 'not_cancellable'
> {
  override readonly name = 'MessageError'
}

export const LIMITS = { title: 60, body: 1_000, imageBytes: 512 * 1024, aheadDays: 60 }
const WEEK_MS = 7 * 86_400_000

export interface ComposeInput {
  title: Record<string, string>
  body: Record<string, string>
  /** A data: URL (PNG, JPEG or WebP). */
  image?: string
  campaign?: number
  audience: AudienceKind
  /** When to send (ms); now when absent or past. */
  sendAt?: number
}

export interface AudienceSize {
  /** Members who gave every consent the message needs. */
  consenting: number
  /** …of whom in the chosen audience. */
  inAudience: number
  /** …of whom already had `maxPerWeek` messages this week (they would be skipped now). */
  capped: number
  /** Who would get it if it went out now. */
  reach: number
}

export interface MessageView extends MessageRow {
  /** Its webhook POSTs (all zero without a webhook). */
  sends: Sends
}

export class MessageService {
  private readonly reads: MessageReads
  /** The fan-out runner's wake-up (a message due now or soon). */
  onComposed: () => void = () => {}

  constructor(
    private readonly journal: Journal,
    private readonly segments: Pick<MemberSegments, 'segmentOf'>,
    private readonly offers: PersonalOffers,
    private readonly opts: { languages: readonly string[]; maxPerWeek: number; webhook: boolean },
    private readonly log: Logger,
  ) {
    this.reads = new MessageReads(journal)
  }

  /** Checks a message and counts its audience, writing nothing (the back office's preview). */
  preview(input: ComposeInput, now = Date.now()): { audience: AudienceSize; languages: string[] } {
    const checked = this.check(input, now)
    return { audience: this.audienceSize(input.audience, checked.campaign !== null, now), languages: checked.languages }
  }

  /**
   * Writes the message down to go out at its time. `messageId`: the cloud's id for a chain's
   * message — composed again under it, the message is the one already there (`repeated`).
   */
  async compose(
    input: ComposeInput,
    by: string,
    opts: { now?: number; messageId?: string } = {},
  ): Promise<{ messageId: string; audience: AudienceSize; repeated: boolean }> {
    const now = opts.now ?? Date.now()
    if (opts.messageId && this.reads.message(opts.messageId))
      return {
        messageId: opts.messageId,
        audience: { consenting: 0, inAudience: 0, capped: 0, reach: 0 },
        repeated: true,
      }
    const checked = this.check(input, now)
    const audience = this.audienceSize(input.audience, checked.campaign !== null, now)
    if (audience.reach === 0)
      throw new MessageError(
        'no_recipients',
        noRecipients(input.audience, checked.campaign !== null, audience, this.opts.maxPerWeek),
      )
    const { result } = await this.journal.execute('message.compose', {
      messageId: opts.messageId ?? randomUUID(),
      title: input.title,
      body: input.body,
      image: checked.image,
      campaign: checked.campaign,
      audience: input.audience,
      sendAt: Math.max(now, input.sendAt ?? now),
      by,
    })
    this.log.info({ messageId: result.messageId, audience: input.audience, reach: audience.reach }, 'message composed')
    this.onComposed()
    return { messageId: result.messageId, audience, repeated: false }
  }

  async cancel(messageId: string, by: string): Promise<void> {
    if (!this.reads.message(messageId)) throw new MessageError('unknown_message', `no message ${messageId}`)
    const { result } = await this.journal.execute('message.cancel', { messageId, by })
    if (!result.ok) throw new MessageError('not_cancellable', `the message is already ${result.state}`)
  }

  /** The newest messages with how far each got: delivered, opened, voucher redeemed, sale. */
  list(limit = 50): MessageView[] {
    return this.reads.list(limit).map((m) => ({ ...m, sends: this.sendsOf(m.id) }))
  }

  message(id: string): MessageView | null {
    const m = this.reads.message(id)
    return m ? { ...m, sends: this.sendsOf(id) } : null
  }

  /** Its webhook sends: counted only where a webhook is set up (a scan of the message's sends). */
  private sendsOf(id: string): Sends {
    return this.opts.webhook ? this.reads.sends(id) : { pending: 0, sent: 0, failed: 0, lastError: null }
  }

  image(id: string): { type: string; bytes: Buffer } | null {
    return this.reads.image(id)
  }

  /** The campaigns a message may carry as its offer now. */
  offerable(): { id: number; name: Record<string, string> & { en: string } }[] {
    return this.offers.offerable().map((c) => ({ id: c.id, name: c.name }))
  }

  /** The code of a recipient's personal voucher (signed again whenever it is shown: Ed25519 gives the same code). */
  voucherCode(memberId: string, v: NonNullable<InboxLine['voucher']>): string {
    return this.offers.code({ ...v, member: memberId })
  }

  /** One member's copy of a message (the webhook's POST): its text and their voucher's code. */
  copyFor(
    messageId: string,
    memberId: string,
  ): { title: Record<string, string>; body: Record<string, string>; voucherCode: string | null } | null {
    const line = this.reads.recipient(messageId, memberId)
    if (!line) return null
    return {
      title: line.title,
      body: line.body,
      voucherCode: line.voucher ? this.voucherCode(memberId, line.voucher) : null,
    }
  }

  inbox(memberId: string): InboxLine[] {
    return this.reads.inbox(memberId)
  }

  unread(memberId: string): number {
    return this.reads.unread(memberId)
  }

  /** The member opened the message (the inbox page, or its link): attribution's second step. */
  async open(memberId: string, messageId: string): Promise<void> {
    await this.journal.execute('message.open', { memberId, messageId })
  }

  /** The unsubscribe link: the member no longer follows the store (nor gets offers), at once. */
  async unsubscribe(memberId: string, version: string): Promise<boolean> {
    const { result } = await this.journal.execute('member.consents', {
      memberId,
      channel: 'message',
      consents: [
        { kind: 'follow_store', version, granted: false },
        { kind: 'marketing', version, granted: false },
      ],
    })
    this.log.info({ memberId, changed: result.changed }, 'member unsubscribed')
    return result.changed > 0
  }

  private check(input: ComposeInput, now: number) {
    const languages = Object.keys(input.title)
    const bad = (field: string, why: string) => new MessageError('invalid_message', `${field}: ${why}`)
    if (languages.length === 0) throw bad('title', 'give it in at least one language')
    for (const lang of new Set([...languages, ...Object.keys(input.body)])) {
      if (!this.opts.languages.includes(lang)) throw bad(`title.${lang}`, `${lang} is not one of the store's languages`)
      const title = input.title[lang]?.trim() ?? ''
      const body = input.body[lang]?.trim() ?? ''
      if (!title) throw bad(`title.${lang}`, 'missing (every language needs a title and a text)')
      if (!body) throw bad(`body.${lang}`, 'missing (every language needs a title and a text)')
      if ([...title].length > LIMITS.title) throw bad(`title.${lang}`, `longer than ${LIMITS.title} characters`)
      if ([...body].length > LIMITS.body) throw bad(`body.${lang}`, `longer than ${LIMITS.body} characters`)
    }
    if (!AUDIENCES.includes(input.audience)) throw bad('audience', `one of ${AUDIENCES.join(', ')}`)
    if (input.sendAt !== undefined && input.sendAt > now + LIMITS.aheadDays * 86_400_000)
      throw bad('sendAt', `at most ${LIMITS.aheadDays} days ahead`)
    const image = input.image === undefined ? null : readImage(input.image, LIMITS.imageBytes)
    if (image && 'error' in image) throw bad('image', image.error)
    let campaign: number | null = null
    if (input.campaign !== undefined) {
      try {
        this.offers.prepare(input.campaign, now)
      } catch (err) {
        if (err instanceof VoucherError) throw new MessageError('invalid_offer', `campaign: ${err.message}`)
        throw err
      }
      campaign = input.campaign
    }
    return { languages, image, campaign }
  }

  private audienceSize(kind: AudienceKind, withOffer: boolean, now: number): AudienceSize {
    const inAudience = audienceFilter(kind, this.segments, this.reads, now)
    const size: AudienceSize = { consenting: 0, inAudience: 0, capped: 0, reach: 0 }
    for (let cursor = ''; ;) {
      const page = this.reads.consentingAfter(cursor, consentsFor(withOffer), 5_000)
      for (const m of page.members) {
        size.consenting++
        if (!inAudience(m)) continue
        size.inAudience++
        if (this.reads.receivedSince(m, now - WEEK_MS) >= this.opts.maxPerWeek) size.capped++
        else size.reach++
      }
      if (page.end) return size
      cursor = page.through
    }
  }
}

function noRecipients(kind: AudienceKind, withOffer: boolean, size: AudienceSize, maxPerWeek: number): string {
  if (size.consenting === 0)
    return withOffer ? 'no member follows the store and accepts offers yet' : 'no member follows the store yet'
  if (size.inAudience === 0) return `none of the ${size.consenting} members who agreed is in the audience "${kind}"`
  return `every member of the audience already had ${maxPerWeek} messages in the last 7 days`
}
