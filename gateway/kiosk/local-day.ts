/** The store's calendar days (the machine's time zone): play limits, draw seeds, reports and exports are per day. */
export function localDay(ms: number): string {
  const d = new Date(ms)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** The local midnight at or before `ms`. */
export function localMidnight(ms: number): number {
  return new Date(ms).setHours(0, 0, 0, 0)
}

/** A YYYY-MM-DD day's local midnight and the next one's; null for a day the calendar does not have (2026-02-30). */
export function dayBounds(day: string): { start: number; end: number } | null {
  const m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(day)
  if (!m) return null
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const start = new Date(y, mo - 1, d).getTime()
  return localDay(start) === day ? { start, end: new Date(y, mo - 1, d + 1).getTime() } : null
}
