import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { IdleFramer, SuffixFramer, type FramePiece, type SuffixName } from '../../drivers/scanner/framer.js'

const SUFFIX: Record<SuffixName, string> = { CR: '\r', LF: '\n', CRLF: '\r\n', TAB: '\t' }

/** Cuts `buf` at the given (sorted, deduplicated) positions. */
function chunk(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b)
  const out: Buffer[] = []
  let prev = 0
  for (const p of points) {
    out.push(buf.subarray(prev, p))
    prev = p
  }
  out.push(buf.subarray(prev))
  return out
}

const describePieces = (pieces: FramePiece[]) =>
  pieces.map((p) => ('frame' in p ? p.frame.toString('latin1') : { overflow: p.overflow }))

describe('SuffixFramer', () => {
  for (const name of Object.keys(SUFFIX) as SuffixName[]) {
    it(`${name}: any chunking of terminated frames yields exactly those frames`, () => {
      const noSuffix = fc.string({
        unit: fc.constantFrom('a', 'Z', '0', ':', '\r', '\n', '\t', 'é').filter((c) => !SUFFIX[name].includes(c)),
        maxLength: 40,
      })
      fc.assert(
        fc.property(
          fc.array(noSuffix, { maxLength: 20 }),
          fc.array(fc.nat(2000), { maxLength: 30 }),
          (frames, cuts) => {
            const framer = new SuffixFramer(name, 4096)
            const stream = Buffer.from(frames.map((f) => f + SUFFIX[name]).join(''), 'latin1')
            const pieces = chunk(stream, cuts).flatMap((c) => framer.push(c))
            expect(describePieces(pieces)).toEqual(frames)
            expect(framer.buffered).toBe(0)
          },
        ),
      )
    })
  }

  it('CRLF: a frame of exactly the limit whose CR and LF arrive apart is still a frame', () => {
    const f = new SuffixFramer('CRLF', 4)
    expect(
      describePieces([
        ...f.push(Buffer.from('abcd\r')),
        ...f.push(Buffer.from('\nabcde\r')),
        ...f.push(Buffer.from('\n')),
      ]),
    ).toEqual(['abcd', { overflow: 5 }])
  })

  it('CRLF: a CR alone inside a frame is data, a CRLF split across chunks still ends it', () => {
    const f = new SuffixFramer('CRLF', 100)
    expect(describePieces([...f.push(Buffer.from('a\rb\r')), ...f.push(Buffer.from('\nc\r\n'))])).toEqual(['a\rb', 'c'])
  })

  it('frames over the limit become one overflow report; the frames around them survive; memory stays bounded', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(fc.string({ unit: fc.constantFrom('x', 'y'), maxLength: 10 }), fc.integer({ min: 11, max: 5000 })),
          { maxLength: 15 },
        ),
        fc.array(fc.nat(100_000), { maxLength: 40 }),
        fc.constantFrom<SuffixName>('CR', 'CRLF'),
        (spec, cuts, name) => {
          const framer = new SuffixFramer(name, 10)
          const frames = spec.map((s) => (typeof s === 'number' ? 'L'.repeat(s) : s))
          const stream = Buffer.from(frames.map((f) => f + SUFFIX[name]).join(''), 'latin1')
          let maxHeld = 0
          const pieces = chunk(stream, cuts).flatMap((c) => {
            const out = framer.push(c)
            maxHeld = Math.max(maxHeld, framer.buffered)
            return out
          })
          expect(describePieces(pieces)).toEqual(spec.map((s) => (typeof s === 'number' ? { overflow: s } : s)))
          expect(maxHeld).toBeLessThanOrEqual(10 + SUFFIX[name].length - 1)
        },
      ),
      { numRuns: 400 },
    )
  })

  it('validates its options', () => {
    expect(() => new SuffixFramer('NUL' as SuffixName, 10)).toThrow(/unknown suffix/)
    expect(() => new SuffixFramer('CR', 0)).toThrow(RangeError)
  })
})

describe('IdleFramer', () => {
  it('joins chunks until flushed and bounds what it holds', () => {
    const f = new IdleFramer(8)
    f.push(Buffer.from('ABC'))
    f.push(Buffer.from('DEF'))
    expect(describePieces(f.flush())).toEqual(['ABCDEF'])
    expect(f.flush()).toEqual([])
    f.push(Buffer.from('123456789'))
    f.push(Buffer.from('more'))
    expect(describePieces(f.flush())).toEqual([{ overflow: 13 }])
  })
})
