/** The store's logo: checked at start with errors naming the key, and turned into printer dots for slips. */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { ConfigError } from '../../config/load.js'
import { parseConfig } from '../../config/load.js'
import { readStoreLogo } from '../../config/store-logo.js'
import { logoRaster } from '../../gateway/print/logo-raster.js'
import { halfBlackLogo, makePng } from '../helpers/png.js'
import { tempDir } from '../helpers/tmp.js'

describe('store logo', () => {
  const tmp = tempDir()
  afterAll(() => tmp.cleanup())
  const file = (name: string, body: Buffer | string) => {
    const path = join(tmp.dir, name)
    writeFileSync(path, body)
    return path
  }
  const problems = (logo: string) => {
    try {
      parseConfig(JSON.stringify({ store: { id: 'a', name: 'A', brand: { logo } } }), 'x')
      return []
    } catch (err) {
      return (err as ConfigError).problems.map((p) => `${p.path}: ${p.message}`)
    }
  }

  it('is refused at start, naming store.brand.logo, when missing, not a PNG, too big or too large', () => {
    expect(problems(join(tmp.dir, 'nope.png'))).toEqual([
      `store.brand.logo: ${join(tmp.dir, 'nope.png')}: file not found`,
    ])
    expect(problems(file('logo.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>'))[0]).toMatch(
      /^store\.brand\.logo: .*logo\.svg is not a PNG image we can read/,
    )
    expect(problems(file('huge.png', Buffer.alloc(600 * 1024))).join()).toMatch(/600 KB; a logo may be 512 KB at most/)
    expect(
      problems(
        file(
          'wide.png',
          makePng(2100, 1, () => [255, 255, 255, 255]),
        ),
      ),
    ).toEqual([`store.brand.logo: ${join(tmp.dir, 'wide.png')} is 2100×1; at most 2048 pixels a side`])
    expect(problems(file('ok.png', halfBlackLogo()))).toEqual([])
  })

  it('prints as dots: scaled to fit 256 × 128, transparent as paper, dark as black', () => {
    const raster = logoRaster(readStoreLogo(file('half.png', halfBlackLogo())))
    expect([raster.width, raster.height]).toEqual([256, 64])
    const row = [...raster.bits.subarray(0, raster.width)]
    expect(row.slice(0, 128).every((b) => b === 1)).toBe(true)
    expect(row.slice(128).every((b) => b === 0)).toBe(true)
    // Small logos are never blown up; light grey is paper.
    const small = logoRaster(
      readStoreLogo(
        file(
          'small.png',
          makePng(40, 20, (x) => (x < 20 ? [30, 30, 30, 255] : [220, 220, 220, 255])),
        ),
      ),
    )
    expect([small.width, small.height]).toEqual([40, 20])
    expect(small.bits.reduce((n, b) => n + b, 0)).toBe(20 * 20)
  })
})
