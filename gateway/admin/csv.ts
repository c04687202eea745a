/**
 * CSV as Excel opens it: UTF-8 with a byte-order mark (without one Excel reads Chinese as
 * mojibake), CRLF lines, fields quoted when they hold a comma, quote or line break. Text
 * starting with = + - @ (or a tab or CR) would run as a formula when opened — CSV
 * injection — so it gets a leading apostrophe; numbers are written as numbers.
 */
export type Cell = string | number | null

export const BOM = '\uFEFF'

const FORMULA = /^[=+\-@\t\r]/

export function csvCell(cell: Cell): string {
  if (cell === null) return ''
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : ''
  const text = FORMULA.test(cell) ? `'${cell}` : cell
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text
}

export const csvLine = (cells: readonly Cell[]): string => `${cells.map(csvCell).join(',')}\r\n`
