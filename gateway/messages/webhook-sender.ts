/**
 * Delivers messages by webhook (messages.webhook): one POST per member the fan-out reached,
 * from the durable outbox its transaction wrote (message_sends). A 2xx is sent; anything
 * else — an error status, a timeout, a refused connection — is tried again with backoff
 * (messages.webhook.retryFirstMs, doubling to 10 min) until messages.webhook.giveUpHours, then failed and shown in the
 * back office. Each POST carries X-Tillside-Delivery (`<message>:<member>`, the same on
 * every try: a receiver that got a try whose answer was lost drops the repeat) and
 * X-Tillside-Signature (HMAC-SHA256 over the timestamp and the body).
 */
import { createHmac } from 'node:crypto'
import type { Logger } from '../log.js'
import type { Module } from '../lifecycle.js'
import type { Journal } from '../store/journal.js'
import { MessageReads } from '../store/read/message-reads.js'
import { WakeLoop } from '../wake-loop.js'

const MAX_RETRY_MS = 600_000
/** POSTs in flight at once: a slow SMS gateway must not hold up the rest for long. */
const PARALLEL = 4
const IDLE_LOOK_MS = 30_000

export interface WebhookTarget {
  url: string
  secret: Buffer
  timeoutMs: number
  /** The first retry's wait; each next one twice as long, up to 10 min. */
  firstRetryMs: number
  giveUpMs: number
}

/** What one POST says: everything a gateway needs to send the member an SMS (or post to a bridge). */
export interface WebhookPayload {
  delivery: string
  messageId: string
  member: { id: string; phone: string | null }
  title: Record<string, string>
  body: Record<string, string>
  /** The member's inbox, this message open (absent without a link base). */
  link: string | null
  unsubscribe: string | null
  voucher: { code: string; url: string | null } | null
}

export class WebhookSender implements Module {
  readonly name = 'message-webhook'
  private readonly reads: MessageReads
  private readonly loop: WakeLoop

  constructor(
    private readonly journal: Journal,
    private readonly target: WebhookTarget,
    /** The POST's body for one member's copy of a message; null when the member is gone (forgotten). */
    private readonly payloadOf: (messageId: string, memberId: string) => WebhookPayload | null,
    private readonly log: Logger,
  ) {
    this.reads = new MessageReads(journal)
    this.loop = new WakeLoop(
      { run: () => this.drain(), nextAt: (now) => Math.min(this.reads.nextSend() ?? Infinity, now + IDLE_LOOK_MS) },
      (err) => this.log.error({ err }, 'webhook sends stopped; they resume at the next look'),
    )
  }

  start(): Promise<void> {
    this.loop.start()
    return Promise.resolve()
  }

  stop(): Promise<void> {
    return this.loop.stop()
  }

  /** Sends what is due now (the fan-out just wrote some). */
  wake(): void {
    this.loop.wake()
  }

  private async drain(): Promise<void> {
    for (;;) {
      const due = this.reads.dueSends(Date.now(), PARALLEL * 8)
      if (due.length === 0 || this.loop.stopping) return
      for (let i = 0; i < due.length && !this.loop.stopping; i += PARALLEL)
        await Promise.all(due.slice(i, i + PARALLEL).map((d) => this.sendOne(d)))
    }
  }

  private async sendOne(d: { message: string; member: string; attempts: number; createdAt: number }): Promise<void> {
    const payload = this.payloadOf(d.message, d.member)
    const error = payload ? await this.post(payload) : 'the member is no longer known here'
    const now = Date.now()
    const retryAt = now + Math.min(MAX_RETRY_MS, this.target.firstRetryMs * 2 ** d.attempts)
    const nextAt = error === null || !payload || retryAt - d.createdAt > this.target.giveUpMs ? null : retryAt
    const { result } = await this.journal.execute('message.send_result', {
      messageId: d.message,
      memberId: d.member,
      ok: error === null,
      error,
      nextAt,
    })
    if (error !== null)
      this.log.warn(
        { messageId: d.message, attempts: d.attempts + 1, state: result.state, error },
        'webhook send failed',
      )
  }

  /** null when the webhook took it (2xx); else what went wrong, in words. */
  private async post(payload: WebhookPayload): Promise<string | null> {
    const body = JSON.stringify(payload)
    const timestamp = String(Math.floor(Date.now() / 1000))
    const signature = createHmac('sha256', this.target.secret).update(`${timestamp}.${body}`).digest('hex')
    try {
      const res = await fetch(this.target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-tillside-delivery': payload.delivery,
          'x-tillside-timestamp': timestamp,
          'x-tillside-signature': `sha256=${signature}`,
        },
        body,
        signal: AbortSignal.timeout(this.target.timeoutMs),
      })
      await res.arrayBuffer().catch(() => undefined) // the connection goes back to the pool
      return res.ok ? null : `HTTP ${res.status}`
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } }
      if (e.name === 'TimeoutError') return `no answer within ${this.target.timeoutMs} ms`
      return e.cause?.code ?? e.message
    }
  }
}
