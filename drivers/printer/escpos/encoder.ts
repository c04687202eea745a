/**
 * Document → ESC/POS bytes for one printer profile. Text is encoded for the printer's
 * character set (GB18030 in Chinese mode, or a Latin code page) and refused — never
 * printed as "?" — when it cannot be; QR codes go native (GS ( k) or as a raster image
 * for printers without QR support. Column widths count CJK characters as two.
 */
import iconv from 'iconv-lite'
import { CodedError } from '../../../config/coded-error.js'
import * as C from './commands.js'
import type { Align, Block, PrintDocument } from './document.js'
import { qrMatrix, qrModules } from '../../qr-fit.js'

export interface PrinterProfile {
  /** Characters per line at normal size (58 mm paper: 32, 80 mm: 42 or 48). */
  cpl: number
  /** Dots per line (58 mm: 384, 80 mm: 576): the width raster images may use. */
  dots: number
  encoding: 'gb18030' | C.CodePage
  /** False for printers without GS ( k: QR codes are sent as raster images. */
  nativeQr: boolean
}

export class PrintRenderError extends CodedError<'unencodable' | 'qr_too_large' | 'bad_block'> {
  override readonly name = 'PrintRenderError'
}

const ALIGN: Record<Align, 0 | 1 | 2> = { left: 0, center: 1, right: 2 }
const QR_LEVEL = { L: 48, M: 49, Q: 50, H: 51 } as const

export function renderEscPos(doc: PrintDocument, profile: PrinterProfile): Buffer {
  const out: number[] = [...C.INIT]
  const chunks: Buffer[] = []
  const flush = () => {
    if (out.length) chunks.push(Buffer.from(out.splice(0)))
  }
  out.push(
    ...(profile.encoding === 'gb18030'
      ? C.CHINESE_ON
      : [...C.CHINESE_OFF, ...C.selectCodePage(C.CODE_PAGES[profile.encoding])]),
  )
  const line = (text: string, where: string) => {
    flush()
    chunks.push(encodeText(text, profile, where), Buffer.from([C.LF]))
  }
  doc.blocks.forEach((b, i) => {
    const where = `blocks[${i}] (${b.type})`
    switch (b.type) {
      case 'text': {
        const size = b.size ?? 1
        out.push(...C.align(ALIGN[b.align ?? 'left']), ...C.bold(b.bold ?? false), ...C.charSize(size))
        for (const l of wrap(b.text, Math.floor(profile.cpl / size))) line(l, where)
        out.push(...C.charSize(1), ...C.bold(false))
        break
      }
      case 'columns': {
        out.push(...C.align(0), ...C.bold(b.bold ?? false))
        for (const l of columns(b.left, b.right, profile.cpl)) line(l, where)
        out.push(...C.bold(false))
        break
      }
      case 'divider':
        out.push(...C.align(0))
        line((b.char ?? '-').repeat(profile.cpl), where)
        break
      case 'qr':
        out.push(...C.align(ALIGN[b.align ?? 'center']))
        out.push(...qr(b, profile, where))
        break
      case 'barcode':
        out.push(...C.align(ALIGN[b.align ?? 'center']), ...barcode(b.data, b.symbology, where))
        break
      case 'image':
        out.push(...C.align(ALIGN[b.align ?? 'center']), ...packedRaster(b, profile, where))
        break
      case 'feed':
        out.push(...C.feedLines(Math.max(0, Math.min(255, b.lines))))
        break
      case 'cut':
        out.push(...C.CUT)
        break
      case 'drawer':
        out.push(...C.DRAWER_KICK)
        break
      default:
        throw new PrintRenderError('bad_block', `${where}: unknown block type`)
    }
  })
  flush()
  return Buffer.concat(chunks)
}

/** Display width in printer columns: CJK and full-width forms take two. */
export function textWidth(text: string): number {
  let w = 0
  for (const ch of text) w += isWide(ch.codePointAt(0)!) ? 2 : 1
  return w
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    cp >= 0x20000
  )
}

/** Wraps at spaces when a Latin word fits, anywhere between CJK characters. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = []
  for (const para of text.split('\n')) {
    let cur = ''
    for (const token of para.match(
      /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|\S+|\s+/gu,
    ) ?? ['']) {
      if (textWidth(cur + token) <= width) {
        cur += token
        continue
      }
      if (cur.trim()) lines.push(cur.trimEnd())
      cur = /^\s+$/.test(token) ? '' : token
      while (textWidth(cur) > width) {
        let cut = 0
        for (let w = 0; cut < cur.length && w + textWidth(cur[cut]!) <= width; cut++) w += textWidth(cur[cut]!)
        lines.push(cur.slice(0, cut))
        cur = cur.slice(cut)
      }
    }
    lines.push(cur.trimEnd())
  }
  return lines
}

function columns(left: string, right: string, cpl: number): string[] {
  const rightWidth = textWidth(right)
  const lines = wrap(left, Math.max(1, cpl - rightWidth - 1))
  const last = lines.pop() ?? ''
  const gap = cpl - textWidth(last) - rightWidth
  return gap >= 1
    ? [...lines, `${last}${' '.repeat(gap)}${right}`]
    : [...lines, last, `${' '.repeat(Math.max(0, cpl - rightWidth))}${right}`]
}

function encodeText(text: string, profile: PrinterProfile, where: string): Buffer {
  const bytes = iconv.encode(text, profile.encoding)
  // iconv-lite writes "?" for what the character set lacks: check the round trip instead of printing it.
  if (iconv.decode(bytes, profile.encoding) !== text) {
    const bad = [...text].find((ch) => iconv.decode(iconv.encode(ch, profile.encoding), profile.encoding) !== ch)
    throw new PrintRenderError(
      'unencodable',
      `${where}: ${JSON.stringify(bad)} cannot be printed in ${profile.encoding}`,
    )
  }
  return bytes
}

function qr(b: Extract<Block, { type: 'qr' }>, profile: PrinterProfile, where: string): number[] {
  const size = Math.max(1, Math.min(16, b.size ?? 6))
  const level = b.level ?? 'M'
  const tooLarge = (detail: string) => new PrintRenderError('qr_too_large', `${where}: ${detail}`)
  if (b.data.length === 0) throw new PrintRenderError('bad_block', `${where}: empty QR data`)
  if (profile.nativeQr) {
    const modules = qrModules(b.data, level)
    if (modules === null) throw tooLarge(`${Buffer.byteLength(b.data)} bytes do not fit a QR code at level ${level}`)
    if (modules * size > profile.dots)
      throw tooLarge(`${modules} modules × ${size} dots exceed the ${profile.dots}-dot line`)
    const data = [...Buffer.from(b.data, 'utf8')]
    return [
      ...C.qrCommand(C.QR_FN.model, [50, 0]),
      ...C.qrCommand(C.QR_FN.size, [size]),
      ...C.qrCommand(C.QR_FN.level, [QR_LEVEL[level]]),
      ...C.qrCommand(C.QR_FN.store, [48, ...data]),
      ...C.qrCommand(C.QR_FN.print, [48]),
    ]
  }
  const matrix = qrMatrix(b.data, level)
  if (!matrix) throw tooLarge(`${Buffer.byteLength(b.data)} bytes do not fit a QR code at level ${level}`)
  const modules = matrix.size + 8 // with the 4-module quiet zone on each side
  const w = modules * size
  if (w > profile.dots) throw tooLarge(`${modules} modules × ${size} dots exceed the ${profile.dots}-dot line`)
  const bits = new Uint8Array(w * w)
  for (let y = 0; y < w; y++) {
    const row = Math.floor(y / size) - 4
    for (let x = 0; x < w; x++) {
      const col = Math.floor(x / size) - 4
      if (row >= 0 && col >= 0 && row < matrix.size && col < matrix.size && matrix.get(row, col)) bits[y * w + x] = 1
    }
  }
  return raster(w, w, bits, profile, where)
}

/** GS v 0 from an image block's packed rows. */
function packedRaster(b: { width: number; height: number; rows: string }, profile: PrinterProfile, where: string) {
  const rows = Buffer.from(b.rows, 'base64')
  const rowBytes = Math.ceil(b.width / 8)
  if (b.width < 1 || b.height < 1 || b.width > profile.dots || b.height > 2400 || rows.length !== rowBytes * b.height)
    throw new PrintRenderError(
      'bad_block',
      `${where}: image ${b.width}×${b.height} needs ${rowBytes * b.height} bytes of rows and fits ${profile.dots} dots; got ${rows.length} bytes`,
    )
  return [C.GS, 0x76, 0x30, 0, rowBytes & 0xff, rowBytes >> 8, b.height & 0xff, b.height >> 8, ...rows]
}

/** GS v 0: a 1-bit image, rows padded to whole bytes. */
function raster(width: number, height: number, bits: Uint8Array, profile: PrinterProfile, where: string): number[] {
  if (width < 1 || height < 1 || bits.length !== width * height || width > profile.dots || height > 2400) {
    throw new PrintRenderError('bad_block', `${where}: image ${width}×${height} with ${bits.length} dots does not fit`)
  }
  const rowBytes = Math.ceil(width / 8)
  const out = [C.GS, 0x76, 0x30, 0, rowBytes & 0xff, rowBytes >> 8, height & 0xff, height >> 8]
  for (let y = 0; y < height; y++) {
    for (let xb = 0; xb < rowBytes; xb++) {
      let byte = 0
      for (let bit = 0; bit < 8; bit++) {
        const x = xb * 8 + bit
        if (x < width && bits[y * width + x]) byte |= 0x80 >> bit
      }
      out.push(byte)
    }
  }
  return out
}

function barcode(data: string, symbology: 'ean13' | 'code128', where: string): number[] {
  if (symbology === 'ean13' && !/^\d{12,13}$/.test(data))
    throw new PrintRenderError('bad_block', `${where}: EAN-13 takes 12 or 13 digits`)
  if (symbology === 'code128' && !/^[\x20-\x7e]{1,60}$/.test(data))
    throw new PrintRenderError('bad_block', `${where}: CODE128 takes 1–60 printable ASCII characters`)
  const payload = [...Buffer.from(symbology === 'code128' ? `{B${data}` : data, 'ascii')]
  return [
    C.GS,
    0x68,
    80,
    C.GS,
    0x77,
    2,
    C.GS,
    0x48,
    2,
    C.GS,
    0x6b,
    C.BARCODE_SYSTEMS[symbology],
    payload.length,
    ...payload,
  ]
}
