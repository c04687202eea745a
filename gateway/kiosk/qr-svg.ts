/** A QR code as a small SVG (one path), for screens: the kiosk's prize and the phone's voucher page. */
import { qrMatrix } from '../../drivers/qr-fit.js'

export function qrSvg(data: string, opts: { level?: 'L' | 'M' | 'Q' | 'H'; title?: string } = {}): string {
  const m = qrMatrix(data, opts.level ?? 'M')
  if (!m) throw new Error(`${data.length} characters do not fit a QR code`)
  const quiet = 4
  const side = m.size + 2 * quiet
  let d = ''
  for (let r = 0; r < m.size; r++) {
    for (let c = 0; c < m.size; c++) if (m.get(r, c)) d += `M${c + quiet} ${r + quiet}h1v1h-1z`
  }
  const title = opts.title ? `<title>${opts.title.replace(/[<&>"]/g, '')}</title>` : ''
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${side}" shape-rendering="crispEdges">${title}<rect width="${side}" height="${side}" fill="#fff"/><path fill="#000" d="${d}"/></svg>`
}
