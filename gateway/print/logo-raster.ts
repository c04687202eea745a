/**
 * The store's logo as printer dots for the slip header: scaled down (never up) to fit
 * `maxWidth` × `maxHeight` dots, each dot the average of the pixels it covers, composited
 * over white paper (transparent is paper), black below half brightness. A threshold, not
 * dithering: logos are flat shapes and lettering, which dithering turns grey and fuzzy.
 */
import type { StoreLogo } from '../../config/store-logo.js'

export interface Raster {
  width: number
  height: number
  /** One byte per dot, row by row, 1 = black. */
  bits: Uint8Array
}

/** The raster as a slip's image block: rows packed 8 dots a byte, leftmost in the high bit, base64. */
export function imageBlock(r: Raster): { type: 'image'; width: number; height: number; rows: string; align: 'center' } {
  const rowBytes = Math.ceil(r.width / 8)
  const rows = Buffer.alloc(rowBytes * r.height)
  for (let y = 0; y < r.height; y++)
    for (let x = 0; x < r.width; x++) if (r.bits[y * r.width + x]) rows[y * rowBytes + (x >> 3)]! |= 0x80 >> (x & 7)
  return { type: 'image', width: r.width, height: r.height, rows: rows.toString('base64'), align: 'center' }
}

/** 256 × 128 dots: two thirds of a 58 mm slip's width, about 16 mm tall at 203 dpi. */
export function logoRaster(
  logo: Pick<StoreLogo, 'width' | 'height' | 'rgba'>,
  maxWidth = 256,
  maxHeight = 128,
): Raster {
  const scale = Math.min(1, maxWidth / logo.width, maxHeight / logo.height)
  const width = Math.max(1, Math.round(logo.width * scale))
  const height = Math.max(1, Math.round(logo.height * scale))
  const sum = new Float64Array(width * height)
  const count = new Uint32Array(width * height)
  for (let y = 0; y < logo.height; y++) {
    const ty = Math.min(height - 1, Math.floor((y * height) / logo.height))
    for (let x = 0; x < logo.width; x++) {
      const tx = Math.min(width - 1, Math.floor((x * width) / logo.width))
      const i = (y * logo.width + x) * 4
      const alpha = logo.rgba[i + 3]! / 255
      const lum = (0.2126 * logo.rgba[i]! + 0.7152 * logo.rgba[i + 1]! + 0.0722 * logo.rgba[i + 2]!) / 255
      sum[ty * width + tx]! += alpha * lum + (1 - alpha)
      count[ty * width + tx]! += 1
    }
  }
  const bits = new Uint8Array(width * height)
  for (let i = 0; i < bits.length; i++) bits[i] = count[i]! > 0 && sum[i]! / count[i]! < 0.5 ? 1 : 0
  return { width, height, bits }
}
