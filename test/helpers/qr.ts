/** Reads a printed raster QR code back, as a phone or a till scanner would (jsqr). */
import jsQRModule from 'jsqr'

// jsqr is CommonJS with an ES-style default in its types: Node hands over module.exports.
const jsQR = jsQRModule.default

/** The QR payload of a 1-bit image (true = black dot), or null when no code reads. */
export function readRasterQr(img: { width: number; height: number; bits: ArrayLike<boolean | number> }): string | null {
  const rgba = new Uint8ClampedArray(img.width * img.height * 4)
  for (let i = 0; i < img.width * img.height; i++)
    rgba.fill(img.bits[i] ? 0 : 255, i * 4, i * 4 + 3).fill(255, i * 4 + 3, i * 4 + 4)
  return jsQR(rgba, img.width, img.height)?.data ?? null
}
