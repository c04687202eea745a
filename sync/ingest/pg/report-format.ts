/** A report as people read it (an aligned table), as a spreadsheet takes it (CSV), or as JSON. */
import type { Cell, Report } from './reports.js'

/** RFC 4180, and a cell a spreadsheet would run as a formula (=, +, @, - not starting a number) is quoted with a '. */
function csvCell(c: Cell): string {
  if (c === null) return ''
  let s = String(c)
  if (/^[=+@]/.test(s) || /^-(?![\d.])/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function toCsv(r: Report): string {
  return [r.columns, ...r.rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n'
}

export function toText(r: Report): string {
  const cells = [r.columns, ...r.rows.map((row) => row.map((c) => (c === null ? '–' : String(c))))]
  const widths = r.columns.map((_, i) => Math.max(...cells.map((row) => [...(row[i] as string)].length)))
  const line = (row: string[]) =>
    row
      .map((c, i) => (typeof r.rows[0]?.[i] === 'number' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  const body = cells.map((row) => line(row as string[]))
  body.splice(1, 0, widths.map((w) => '─'.repeat(w)).join('  '))
  return `${r.title}\n\n${body.join('\n')}\n${r.rows.length === 0 ? '(nothing in this period)\n' : ''}`
}

export function toJson(r: Report): object {
  return {
    report: r.name,
    title: r.title,
    rows: r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i]]))),
  }
}
