/** Small pieces the server-rendered console pages share: times, money and tables, escaped. */
import type { Lang } from '../../../config/schema-parts.js'
import { dateLocale } from '../../i18n/messages.js'
import { esc } from '../html.js'

const formats = new Map<string, Intl.DateTimeFormat>()
/** A time in the store's zone (the machine's) as the manager's language writes it. */
export function when(lang: Lang, ms: number, style: 'full' | 'day' = 'full'): string {
  const id = `${lang}:${style}`
  let f = formats.get(id)
  if (!f) {
    f = new Intl.DateTimeFormat(
      dateLocale(lang),
      style === 'day' ? { dateStyle: 'medium' } : { dateStyle: 'medium', timeStyle: 'short' },
    )
    formats.set(id, f)
  }
  return f.format(ms)
}

/** Minor units as money ("¥1,234.50"). */
export function money(lang: Lang, amount: number, currency = 'CNY'): string {
  const format = { style: 'currency', currency, currencyDisplay: 'narrowSymbol' } as const
  return new Intl.NumberFormat(dateLocale(lang), format).format(amount / 100)
}

export const count = (lang: Lang, n: number): string => new Intl.NumberFormat(dateLocale(lang)).format(n)

/** A table: headers and rows of cells already escaped (use `esc` on text). `num` marks right-aligned columns. */
export function table(
  headers: string[],
  rows: string[][],
  opts: { num?: number[]; empty?: string; id?: string } = {},
): string {
  const cls = (i: number) => (opts.num?.includes(i) ? ' class="num"' : '')
  const head = headers.map((h, i) => `<th${cls(i)}>${esc(h)}</th>`).join('')
  const body =
    rows.length === 0 && opts.empty
      ? `<tr><td colspan="${headers.length}" class="empty">${esc(opts.empty)}</td></tr>`
      : rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${c}</td>`).join('')}</tr>`).join('')
  return `<table${opts.id ? ` id="${opts.id}"` : ''}><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`
}

/**
 * A bar chart drawn on the server as SVG (no script: it prints, and shows offline), with
 * the figures as its accessible text. `labels` under every `every`-th bar.
 */
export function barChart(values: number[], labels: string[], title: string, every = 1): string {
  const W = 720
  const H = 180
  const top = Math.max(1, ...values)
  const step = W / Math.max(1, values.length)
  const bars = values
    .map((v, i) => {
      const h = Math.round((v / top) * (H - 30))
      const x = Math.round(i * step + step * 0.15)
      const label =
        (values.length - 1 - i) % every === 0
          ? `<text x="${x + step * 0.35}" y="${H - 2}" text-anchor="middle">${esc(labels[i] ?? '')}</text>`
          : ''
      const figure = v > 0 ? `<text x="${x + step * 0.35}" y="${H - 22 - h}" text-anchor="middle">${v}</text>` : ''
      return `<rect x="${x}" y="${H - 18 - h}" width="${Math.round(step * 0.7)}" height="${h}"><title>${esc(labels[i] ?? '')}: ${v}</title></rect>${figure}${label}`
    })
    .join('')
  return `<svg class="bars" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}">${bars}</svg>`
}
