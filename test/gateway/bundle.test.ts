/**
 * The built bundle stays one byte per character in V8: a single character above Latin-1
 * anywhere (a dash in a comment) made V8 hold the whole 2.8 MB source as a two-byte string,
 * ~5 MB of idle RSS on a box with a 100 MB budget (issue #13, item 10).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const DIR = join(process.cwd(), 'dist/bundle')

describe('the built bundle', () => {
  it('has no character above Latin-1 in any file', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.js'))
    expect(files).toContain('tillside.js')
    for (const f of files) {
      const wide = /[\u0100-\uffff]/.exec(readFileSync(join(DIR, f), 'utf8'))
      expect(wide && `${f}: U+${wide[0].charCodeAt(0).toString(16)} at ${wide.index}`).toBeNull()
    }
  })
})
