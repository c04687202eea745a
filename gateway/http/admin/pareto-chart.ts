/**
 * The Pareto curve as a server-drawn SVG: for each 5 % of members, best first, the share of
 * sales they bring together. The top 20 % is marked, with a dashed line at 80 % — the
 * "20 % of members bring 80 % of the sales" a manager looks for.
 */
import { esc } from '../html.js'

export function paretoChart(pareto: readonly number[], title: string, topLabel: string): string {
  const W = 720
  const H = 200
  const base = H - 22
  const span = base - 18
  const step = W / pareto.length
  const y = (share: number) => Math.round(base - share * span)
  const bars = pareto
    .map((share, i) => {
      const x = Math.round(i * step + step * 0.12)
      const w = Math.round(step * 0.76)
      const pct = Math.round(share * 100)
      const top = i < 4 ? ' class="top"' : ''
      const label =
        (i + 1) % 4 === 0 ? `<text x="${x + w / 2}" y="${H - 4}" text-anchor="middle">${(i + 1) * 5}%</text>` : ''
      const figure = i % 4 === 3 ? `<text x="${x + w / 2}" y="${y(share) - 4}" text-anchor="middle">${pct}%</text>` : ''
      return `<rect${top} x="${x}" y="${y(share)}" width="${w}" height="${base - y(share)}"><title>${(i + 1) * 5}%: ${pct}%</title></rect>${figure}${label}`
    })
    .join('')
  const eighty = `<line class="ref" x1="0" x2="${W}" y1="${y(0.8)}" y2="${y(0.8)}"/><text x="${W - 4}" y="${y(0.8) - 4}" text-anchor="end">80%</text>`
  const marker = `<text class="top" x="${step * 2}" y="12" text-anchor="middle">${esc(topLabel)}</text>`
  return `<svg class="bars pareto" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}">${bars}${eighty}${marker}</svg>`
}
