/**
 * The store's logo (store.brand.logo): one PNG, read and decoded at start so a missing,
 * corrupt or oversized file is a config error naming the key, not a broken image on the
 * kiosk or a slip that fails to print. PNG only: a raster format the pages show as is and
 * the printer can be given as dots; an SVG served from the gateway's origin could carry
 * script.
 */
import { readFileSync, statSync } from 'node:fs'
import { PNG } from 'pngjs'

export const LOGO_MAX_BYTES = 512 * 1024
export const LOGO_MAX_SIDE = 2048

export interface StoreLogo {
  /** The file as given, served to the pages. */
  png: Buffer
  width: number
  height: number
  /** Decoded pixels, 4 bytes (RGBA) each, row by row. */
  rgba: Buffer
}

/** Reads and checks the logo; throws with a message fit for `store.brand.logo: …`. */
export function readStoreLogo(file: string): StoreLogo {
  let size: number
  try {
    size = statSync(file).size
  } catch {
    throw new Error(`${file}: file not found`)
  }
  if (size > LOGO_MAX_BYTES) throw new Error(`${file} is ${Math.round(size / 1024)} KB; a logo may be 512 KB at most`)
  const png = readFileSync(file)
  let image: PNG
  try {
    image = PNG.sync.read(png)
  } catch (err) {
    throw new Error(`${file} is not a PNG image we can read (${(err as Error).message})`)
  }
  if (image.width > LOGO_MAX_SIDE || image.height > LOGO_MAX_SIDE)
    throw new Error(`${file} is ${image.width}×${image.height}; at most ${LOGO_MAX_SIDE} pixels a side`)
  return { png, width: image.width, height: image.height, rgba: image.data }
}
