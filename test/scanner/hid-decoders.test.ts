import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { encodeHidPosReports, HidPosAssembler } from '../../drivers/scanner/hid-pos-decoder.js'
import { encodeKeyboardReports, KeyboardReportDecoder } from '../../drivers/scanner/hid-keyboard-decoder.js'
import { LAYOUTS, type LayoutName } from '../../drivers/scanner/keyboard-layouts.js'

function decodeKeys(reports: Buffer[], layout: LayoutName = 'us'): string[] {
  const d = new KeyboardReportDecoder(layout, 'enter')
  const scans: string[] = []
  let text = ''
  for (const r of reports)
    for (const p of d.push(r)) {
      if ('text' in p) text += p.text
      else if ('unknownKey' in p) throw new Error(`unknown key 0x${p.unknownKey.toString(16)}`)
      else {
        scans.push(text)
        text = ''
      }
    }
  return scans
}

describe('HID POS reports', () => {
  it('round-trips any payload split over continuation reports', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 600 }), fc.constantFrom(null, ']Q1', ']E0'), (data, aim) => {
        const a = new HidPosAssembler(8192)
        const reports = encodeHidPosReports(Buffer.from(data), aim)
        const pieces = reports.map((r) => a.push(r))
        expect(pieces.slice(0, -1).every((p) => p === null)).toBe(true)
        expect(pieces.at(-1)).toEqual({ scan: { aimId: aim, bytes: Buffer.from(data) } })
      }),
    )
  })

  it('ignores other report IDs, rejects impossible lengths, bounds long scans', () => {
    const a = new HidPosAssembler(100)
    expect(a.push(Buffer.from([0x04, 1, 2, 3]))).toBeNull()
    const bad = Buffer.alloc(64)
    bad[0] = 2
    bad[1] = 200
    expect(a.push(bad)).toMatchObject({ rejected: { reason: 'bad_report' } })
    const long = encodeHidPosReports(Buffer.alloc(300, 0x41))
    const last = long.map((r) => a.push(r)).at(-1)
    expect(last).toMatchObject({ rejected: { reason: 'overflow' } })
    expect(a.buffered).toBe(0)
  })
})

describe('keyboard boot reports', () => {
  for (const layout of Object.keys(LAYOUTS) as LayoutName[]) {
    it(`${layout}: every character on the layout round-trips`, () => {
      const chars = [
        ...new Set([...LAYOUTS[layout].values()].filter((e) => !e.dead).flatMap((e) => [e.plain, e.shift])),
      ].filter((c) => c !== ' ')
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...chars), { minLength: 1, maxLength: 60 }), (cs) => {
          const text = cs.join('')
          expect(decodeKeys(encodeKeyboardReports(text, layout), layout)).toEqual([text])
        }),
      )
    })
  }

  it('applies Caps Lock to letters only, handles rollover errors and report-ID prefixes', () => {
    const d = new KeyboardReportDecoder('us', 'enter')
    const press = (mod: number, key: number) => [Buffer.from([mod, 0, key, 0, 0, 0, 0, 0]), Buffer.alloc(8)]
    const reports = [
      ...press(0, 0x39), // caps on
      ...press(0, 0x04), // A
      ...press(0x02, 0x05), // shift+b with caps → b
      ...press(0, 0x1e), // 1 (not a letter)
      Buffer.from([0, 0, 1, 1, 1, 1, 1, 1]), // phantom rollover
      Buffer.from([1, 0, 0, 0x06, 0, 0, 0, 0, 0]), // report ID 1 + 'c' (caps → C)
      ...press(0, 0x28),
    ]
    const text = reports
      .flatMap((r) => d.push(r))
      .map((p) => ('text' in p ? p.text : 'end' in p ? '⏎' : '?'))
      .join('')
    expect(text).toBe('Ab1C⏎')
  })

  it('reads the reports of a scanner programmed for German (QWERTZ)', () => {
    // "Zy-2024/ß" + Enter as such a scanner sends it: Z sits on usage 0x1c (US "y"), y on 0x1d.
    const recorded = [
      '0200 1c00 0000 0000',
      '0000 0000 0000 0000',
      '0000 1d00 0000 0000',
      '0000 0000 0000 0000',
      '0000 3800 0000 0000',
      '0000 0000 0000 0000',
      '0000 1f00 0000 0000',
      '0000 0000 0000 0000',
      '0000 2700 0000 0000',
      '0000 0000 0000 0000',
      '0000 1f00 0000 0000',
      '0000 0000 0000 0000',
      '0000 2100 0000 0000',
      '0000 0000 0000 0000',
      '0200 2400 0000 0000',
      '0000 0000 0000 0000',
      '0000 2d00 0000 0000',
      '0000 0000 0000 0000',
      '0000 2800 0000 0000',
      '0000 0000 0000 0000',
    ].map((h) => Buffer.from(h.replace(/ /g, ''), 'hex'))
    expect(decodeKeys(recorded, 'de')).toEqual(['Zy-2024/ß'])
  })
})
