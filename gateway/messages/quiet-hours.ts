/** The store's quiet hours (messages.quietHours), in the machine's local time like every store clock here. */
export interface QuietHours {
  from: string
  to: string
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))

/** When the quiet hours `now` falls in end (ms); null when `now` is not in them. Spans midnight when from > to. */
export function quietUntil(now: number, quiet: QuietHours | null): number | null {
  if (!quiet) return null
  const d = new Date(now)
  const minute = d.getHours() * 60 + d.getMinutes()
  const from = minutesOf(quiet.from)
  const to = minutesOf(quiet.to)
  const inside = from <= to ? minute >= from && minute < to : minute >= from || minute < to
  if (!inside) return null
  const end = new Date(now)
  end.setHours(Math.floor(to / 60), to % 60, 0, 0)
  if (end.getTime() <= now) end.setDate(end.getDate() + 1)
  return end.getTime()
}
