/**
 * A picture of a slip as the printer would print it: the document is rendered to
 * ESC/POS for the printer's profile and decoded back (the virtual printer's decoder),
 * then drawn as SVG — so the preview shows what the bytes say, not what we meant.
 * The simulator printer draws what it received the same way.
 */
import { EscPosDecoder, type Printed } from '../../drivers/printer/escpos/decoder.js'
import { renderEscPos, textWidth, type PrinterProfile } from '../../drivers/printer/escpos/encoder.js'
import type { PrintDocument } from '../../drivers/printer/escpos/document.js'
import { qrMatrix } from '../../drivers/qr-fit.js'

const LINE = 24
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

export function documentPreview(doc: PrintDocument, profile: PrinterProfile): string {
  return previewSvg(new EscPosDecoder().push(renderEscPos(doc, profile)), profile)
}

/** Draws decoded printer output (one slip) as SVG, `profile.dots` wide. */
export function previewSvg(printed: Iterable<Printed>, profile: PrinterProfile): string {
  const charW = profile.dots / profile.cpl
  const parts: string[] = []
  let y = 8
  const x0 = (width: number, align: string) =>
    align === 'center' ? (profile.dots - width) / 2 : align === 'right' ? profile.dots - width : 0
  for (const item of printed) {
    if (item.type === 'text') {
      const w = textWidth(item.text) * charW * item.size
      y += LINE * item.size
      parts.push(
        `<text x="${x0(w, item.align).toFixed(1)}" y="${y - 6}" font-size="${20 * item.size}"${item.bold ? ' font-weight="bold"' : ''} textLength="${w.toFixed(1)}" lengthAdjust="spacingAndGlyphs">${esc(item.text)}</text>`,
      )
    } else if (item.type === 'qr') {
      const m = qrMatrix(item.data, item.level)
      if (!m) continue // the encoder refused it already; cannot happen for a queued job
      const size = item.size
      const left = x0((m.size + 8) * size, item.align) + 4 * size
      const top = y + 4 * size
      let d = ''
      for (let r = 0; r < m.size; r++)
        for (let c = 0; c < m.size; c++)
          if (m.get(r, c)) d += `M${left + c * size},${top + r * size}h${size}v${size}h-${size}z`
      parts.push(`<path d="${d}"/>`)
      y += (m.size + 8) * size
    } else if (item.type === 'raster') {
      let d = ''
      const left = x0(item.width, item.align)
      for (let r = 0; r < item.height; r++)
        for (let c = 0; c < item.width; c++) if (item.bits[r * item.width + c]) d += `M${left + c},${y + r}h1v1h-1z`
      parts.push(`<path d="${d}"/>`)
      y += item.height
    } else if (item.type === 'barcode') {
      y += LINE * 3
      parts.push(
        `<text x="${profile.dots / 2}" y="${y - 6}" font-size="16" text-anchor="middle">||| ${esc(item.data)} |||</text>`,
      )
    } else if (item.type === 'feed') {
      y += LINE * item.lines
    } else if (item.type === 'cut') {
      parts.push(`<line x1="0" y1="${y + 4}" x2="${profile.dots}" y2="${y + 4}" stroke="#999" stroke-dasharray="8 6"/>`)
      y += 12
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${profile.dots}" height="${y + 8}" viewBox="0 0 ${profile.dots} ${y + 8}" font-family="Noto Sans Mono CJK SC, monospace"><rect width="100%" height="100%" fill="#fff"/><g fill="#000">${parts.join('')}</g></svg>`
}
