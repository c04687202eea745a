/**
 * Days as the chain counts them: local dates in one time zone (the cloud database's
 * setting, `--time-zone`, UTC unless said), so a month's settlement ends at midnight
 * where the stores are, not at 08:00 in Shanghai. Day numbers are days since 1970-01-01
 * in that zone; the roll-ups are keyed by them.
 */
const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000
/** Offsets cached per hour: zones change offset on the hour (or half hour — then the next bucket has it). */
const CACHE_MAX = 10_000

export class ZoneDays {
  private readonly format: Intl.DateTimeFormat
  private readonly offsets = new Map<number, number>()

  /** Throws RangeError for a zone the runtime does not know. */
  constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    })
  }

  /** ms to add to a UTC time to read the zone's wall clock. */
  offset(time: number): number {
    const bucket = Math.floor(time / (HOUR_MS / 2))
    let off = this.offsets.get(bucket)
    if (off === undefined) {
      const parts = Object.fromEntries(this.format.formatToParts(time).map((p) => [p.type, p.value]))
      const wall = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!)
      off = wall - Math.floor(time / 60_000) * 60_000
      if (this.offsets.size >= CACHE_MAX) this.offsets.clear()
      this.offsets.set(bucket, off)
    }
    return off
  }

  dayOf(time: number): number {
    return Math.floor((time + this.offset(time)) / DAY_MS)
  }

  /** The UTC ms at which a day (number) begins in the zone. */
  startOf(day: number): number {
    const guess = day * DAY_MS
    const first = guess - this.offset(guess)
    return guess - this.offset(first)
  }

  /** A YYYY-MM-DD date → its day number; null when it is not a date. */
  static parseDate(text: string): number | null {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
    if (!m) return null
    const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!)
    const d = new Date(t)
    if (d.getUTCFullYear() !== +m[1]! || d.getUTCMonth() !== +m[2]! - 1 || d.getUTCDate() !== +m[3]!) return null
    return t / DAY_MS
  }

  static formatDay(day: number): string {
    return new Date(day * DAY_MS).toISOString().slice(0, 10)
  }
}
