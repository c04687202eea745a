/**
 * How fast one kiosk may identify players and play. A real queue of customers is slow —
 * a phone number typed on a keypad, a wheel that spins for seconds — so the limits sit far
 * above it; a script enrolling made-up numbers to drain the prize stock (issue #13) hits
 * them within a minute. A kiosk over a limit is refused for a while and raises an alarm:
 * logged, journaled for the cloud, and shown on /api/status for an hour.
 */
import type { Config } from '../../config/schema.js'
import { RateLimiter } from '../auth/rate-limiter.js'
import { CodedError } from '../../config/coded-error.js'
import type { Logger } from '../log.js'

export class KioskLimitError extends CodedError<'kiosk_busy'> {
  override readonly name = 'KioskLimitError'
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('kiosk_busy', message)
  }
}

export type KioskAction = 'identify' | 'play'

export interface KioskAlarm {
  kiosk: string
  action: KioskAction
  limit: string
  at: number
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE

export class KioskLimits {
  private readonly limiters: Record<KioskAction, { name: string; limiter: RateLimiter }[]>
  private readonly alarms = new Map<string, KioskAlarm>()

  constructor(
    limits: Config['kiosk']['limits'],
    private readonly log: Logger,
    /** Journals an alarm (the first per kiosk, action and hour); failures are logged, not thrown. */
    private readonly record: (alarm: KioskAlarm) => Promise<unknown>,
    private readonly now: () => number = Date.now,
  ) {
    this.limiters = {
      identify: [
        {
          name: `${limits.identifiesPerMinute}/minute`,
          limiter: new RateLimiter(limits.identifiesPerMinute, MINUTE, 1000),
        },
        { name: `${limits.identifiesPerHour}/hour`, limiter: new RateLimiter(limits.identifiesPerHour, HOUR, 1000) },
      ],
      play: [
        { name: `${limits.playsPerMinute}/minute`, limiter: new RateLimiter(limits.playsPerMinute, MINUTE, 1000) },
        { name: `${limits.playsPerHour}/hour`, limiter: new RateLimiter(limits.playsPerHour, HOUR, 1000) },
      ],
    }
  }

  /** Counts one action by `kiosk`, or throws KioskLimitError when over a limit. */
  take(kiosk: string, action: KioskAction): void {
    const now = this.now()
    for (const { name, limiter } of this.limiters[action]) {
      const r = limiter.take(kiosk, now)
      if (!r.ok) {
        this.raise({ kiosk, action, limit: name, at: now })
        throw new KioskLimitError(
          `this kiosk is over its limit of ${name} for ${action === 'play' ? 'plays' : 'identifications'}; ask staff`,
          r.retryAfterSeconds,
        )
      }
    }
  }

  /** Alarms of the last hour, newest first. */
  recent(): KioskAlarm[] {
    const since = this.now() - HOUR
    for (const [k, a] of this.alarms) if (a.at <= since) this.alarms.delete(k)
    return [...this.alarms.values()].sort((a, b) => b.at - a.at)
  }

  private raise(alarm: KioskAlarm): void {
    const key = `${alarm.kiosk}\u0000${alarm.action}`
    const last = this.alarms.get(key)
    if (last && last.at > alarm.at - HOUR) return
    this.alarms.set(key, alarm)
    this.log.warn(alarm, 'kiosk over its rate limit (a script may be draining the prizes); refusing for a while')
    this.record(alarm).catch((err: unknown) => this.log.error({ err }, 'could not journal the kiosk alarm'))
  }
}
