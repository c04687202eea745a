/**
 * The retention promise the consent text makes ("deleted after N months"), kept: once a
 * day, members not seen for `portal.privacy.retentionMonths` are forgotten (member.forget:
 * phone, consents and profile removed, the id kept pseudonymous for events and money
 * records). Members whose card still holds money are kept until it is spent or paid out.
 */
import type { Logger } from '../log.js'
import type { Module } from '../lifecycle.js'
import type { MemberService } from './member-service.js'

const DAY_MS = 86_400_000
const MONTH_MS = 30 * DAY_MS
const BATCH = 200

export class MemberRetention implements Module {
  readonly name = 'members:retention'
  private timer: NodeJS.Timeout | null = null
  private running: Promise<number> | null = null

  constructor(
    private readonly members: Pick<MemberService, 'forget' | 'dueForRetention'>,
    private readonly months: number,
    private readonly log: Logger,
    /** The first run after start (a restart loop must not hammer the disk), then daily. */
    private readonly timing = { firstAfterMs: 10 * 60_000, everyMs: DAY_MS },
  ) {}

  start(): Promise<void> {
    const tick = () => {
      this.running = this.runOnce()
        .catch((err: unknown) => (this.log.error({ err }, 'member retention failed; tried again tomorrow'), 0))
        .finally(() => (this.running = null))
    }
    this.timer = setTimeout(() => {
      tick()
      this.timer = setInterval(tick, this.timing.everyMs).unref()
    }, this.timing.firstAfterMs).unref()
    return Promise.resolve()
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer) // clears an interval too
    this.timer = null
    await this.running
  }

  /** Forgets every member due now, a batch at a time; how many. */
  async runOnce(now = Date.now()): Promise<number> {
    const before = now - this.months * MONTH_MS
    let forgotten = 0
    for (;;) {
      const due = this.members.dueForRetention(before, BATCH)
      for (const id of due) await this.members.forget(id, 'retention', 'retention')
      forgotten += due.length
      if (due.length < BATCH) break
    }
    if (forgotten > 0) this.log.info({ forgotten, months: this.months }, 'members past the retention period forgotten')
    return forgotten
  }
}
