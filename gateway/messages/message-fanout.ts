/**
 * Sends due messages: walks the members in id order in steps of `messages.batchSize`,
 * each step one writer transaction (message-tx.ts fanOutTx) that checks consent and the
 * weekly cap and writes the recipients with their vouchers. Between two steps the event
 * loop and the writer are free for the till. Stopped or killed mid-way, it resumes from
 * the message's cursor at the next start: no member skipped, none written twice. Nothing
 * is sent in quiet hours; a message due then goes out when they end.
 */
import { setImmediate as yieldToTill } from 'node:timers/promises'
import type { MessagesConfig } from '../../config/messages-schema.js'
import type { Logger } from '../log.js'
import type { Module } from '../lifecycle.js'
import type { Journal } from '../store/journal.js'
import type { MemberSegments } from '../members/member-segments.js'
import { MessageReads } from '../store/read/message-reads.js'
import { VoucherError } from '../vouchers/voucher-service.js'
import { audienceFilter, consentsFor, type AudienceKind } from './audience.js'
import type { PersonalOffers } from './personal-offer.js'
import { quietUntil } from './quiet-hours.js'
import { WakeLoop } from '../wake-loop.js'

/** A message scheduled later is looked for at least this often (and when one is composed). */
const LOOK_EVERY_MS = 60_000
/** How long an audience test (segments, unredeemed winners) is used before it is made again. */
const AUDIENCE_FRESH_MS = 60_000

export class MessageFanOut implements Module {
  readonly name = 'messages'
  private readonly reads: MessageReads
  private readonly loop: WakeLoop

  constructor(
    private readonly journal: Journal,
    private readonly segments: Pick<MemberSegments, 'segmentOf'>,
    private readonly offers: PersonalOffers,
    private readonly config: MessagesConfig,
    private readonly log: Logger,
  ) {
    this.reads = new MessageReads(journal)
    this.loop = new WakeLoop(
      {
        run: () => this.run(),
        nextAt: (now) =>
          quietUntil(now, this.config.quietHours) ?? Math.min(this.reads.nextDue() ?? Infinity, now + LOOK_EVERY_MS),
      },
      (err) => this.log.error({ err }, 'message fan-out stopped; it resumes at the next look'),
    )
  }

  /** Called after each step that wrote webhook sends (the sender wakes); set when a webhook is configured. */
  onSends: (() => void) | null = null

  start(): Promise<void> {
    this.loop.start()
    return Promise.resolve()
  }

  stop(): Promise<void> {
    return this.loop.stop()
  }

  /** Looks for due messages now (a message was just composed), or after the current run. */
  wake(): void {
    this.loop.wake()
  }

  /** Resolves when nothing is being sent (tests, the bench). */
  idle(): Promise<void> {
    return this.loop.idle()
  }

  private async run(): Promise<void> {
    for (const id of this.reads.due(Date.now())) {
      if (this.loop.stopping || quietUntil(Date.now(), this.config.quietHours) !== null) return
      await this.send(id)
    }
  }

  private async send(messageId: string): Promise<void> {
    const m = this.reads.message(messageId)
    if (!m || (m.state !== 'scheduled' && m.state !== 'sending')) return
    const consents = consentsFor(m.campaign !== null)
    let cursor = m.cursor
    let audience = { test: audienceFilter(m.audience as AudienceKind, this.segments, this.reads), at: Date.now() }
    for (;;) {
      const now = Date.now()
      if (this.loop.stopping || quietUntil(now, this.config.quietHours) !== null) return
      if (now - audience.at > AUDIENCE_FRESH_MS)
        audience = { test: audienceFilter(m.audience as AudienceKind, this.segments, this.reads, now), at: now }
      let offer = null
      if (m.campaign !== null) {
        try {
          offer = this.offers.prepare(m.campaign, now)
        } catch (err) {
          if (!(err instanceof VoucherError)) throw err
          this.log.error({ messageId, err: err.message }, 'message stopped: its offer can no longer be issued')
          await this.journal.execute('message.cancel', { messageId, by: `system: ${err.message}` })
          return
        }
      }
      const page = this.reads.consentingAfter(cursor, consents, this.config.batchSize)
      const { result } = await this.journal.execute(
        'message.fanout',
        {
          messageId,
          from: cursor,
          through: page.through,
          done: page.end,
          candidates: page.members.filter(audience.test),
          consents,
          walked: page.walked,
          maxPerWeek: this.config.maxPerWeek,
          offer,
          webhook: this.onSends !== null,
        },
        { background: true },
      )
      if (!result.ok) return // cancelled, or another run moved it
      if (result.delivered.length > 0) this.onSends?.()
      cursor = page.through
      if (result.state === 'sent') {
        this.log.info({ messageId }, 'message sent to its whole audience')
        return
      }
      await yieldToTill()
    }
  }
}
