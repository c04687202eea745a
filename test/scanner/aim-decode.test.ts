import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { parseAim } from '../../drivers/scanner/aim.js'
import { decodeFrame, decodeText } from '../../drivers/scanner/decode.js'

const opts = { encoding: 'utf8' as const, symbologyIds: 'aim' as const, stripPrefix: '', stripSuffix: '' }

describe('AIM identifiers', () => {
  it('names the common symbologies', () => {
    expect(parseAim(']Q1TS1:X')).toEqual({ aimId: ']Q1', symbology: 'qr', data: 'TS1:X' })
    expect(parseAim(']E04006381333931')?.symbology).toBe('ean-13')
    expect(parseAim(']E41234567')?.symbology).toBe('ean-8')
    expect(parseAim(']C1\x1d01')?.symbology).toBe('gs1-128')
    expect(parseAim(']C0ABC')?.symbology).toBe('code-128')
    expect(parseAim(']d2010')?.symbology).toBe('gs1-datamatrix')
  })

  it('never throws, and either parses the first three characters or returns null', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (s) => {
        const r = parseAim(s)
        if (r) expect(r.aimId + r.data).toBe(s)
        else expect(s.startsWith(']') && /^\][A-Za-z][0-9A-Za-z]/.test(s) && 'QEC'.includes(s[1]!)).toBe(false)
      }),
    )
  })

  it('unknown code characters are not stripped', () => {
    expect(parseAim(']W1abc')).toBeNull()
    expect(decodeText(']W1abc', opts)).toMatchObject({ ok: true, read: { data: ']W1abc', symbology: null } })
  })
})

describe('decodeFrame', () => {
  it('keeps GS1 separators and rejects other control characters and bad encodings', () => {
    expect(decodeFrame(Buffer.from(']C1\x1d0104', 'latin1'), opts)).toMatchObject({
      ok: true,
      read: { data: '\x1d0104' },
    })
    expect(decodeFrame(Buffer.from('a\x00b'), opts)).toMatchObject({ ok: false, rejected: { reason: 'control_chars' } })
    expect(decodeFrame(Buffer.from([0xc3, 0x28]), opts)).toMatchObject({
      ok: false,
      rejected: { reason: 'bad_encoding' },
    })
    expect(decodeFrame(Buffer.alloc(0), opts)).toMatchObject({ ok: false, rejected: { reason: 'empty' } })
    expect(decodeFrame(Buffer.from(']Q1'), opts)).toMatchObject({ ok: false, rejected: { reason: 'empty' } })
  })

  it('decodes GB18030 (Chinese QR payloads from local scanners)', () => {
    const gb = Buffer.from([0xc4, 0xe3, 0xba, 0xc3]) // 你好
    expect(decodeFrame(gb, { ...opts, encoding: 'gb18030' })).toMatchObject({ ok: true, read: { data: '你好' } })
  })

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.constantFrom('utf8', 'latin1', 'gb18030'),
        (bytes, encoding) => {
          const r = decodeFrame(bytes, { ...opts, encoding: encoding as 'utf8' })
          if (r.ok) expect(r.read.data.length).toBeGreaterThan(0)
          else expect(r.rejected.bytes).toBe(bytes.length)
        },
      ),
    )
  })
})
