/** A PNG for tests: `paint(x, y)` gives each pixel's [r, g, b, a]. */
import { PNG } from 'pngjs'

export function makePng(width: number, height: number, paint: (x: number, y: number) => number[]): Buffer {
  const png = new PNG({ width, height })
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) png.data.set(paint(x, y), (y * width + x) * 4)
  return PNG.sync.write(png)
}

/** 400 × 100: the left half black, the right half transparent (a logo on no background). */
export const halfBlackLogo = () => makePng(400, 100, (x) => (x < 200 ? [0, 0, 0, 255] : [0, 0, 0, 0]))
