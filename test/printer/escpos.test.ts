/** Documents → ESC/POS → decoded back the way a printer would print them. */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  renderEscPos,
  textWidth,
  wrap,
  PrintRenderError,
  type PrinterProfile,
} from '../../drivers/printer/escpos/encoder.js'
import { EscPosDecoder, type Printed } from '../../drivers/printer/escpos/decoder.js'
import { parseStatus, statusBytes, isStatusByte, HEALTHY } from '../../drivers/printer/escpos/status.js'
import type { PrintDocument } from '../../drivers/printer/escpos/document.js'
import { byteCapacity, qrModules } from '../../drivers/qr-fit.js'
import { readRasterQr } from '../helpers/qr.js'

const ZH: PrinterProfile = { cpl: 32, dots: 384, encoding: 'gb18030', nativeQr: true }
const LATIN: PrinterProfile = { cpl: 48, dots: 576, encoding: 'cp858', nativeQr: false }
const VOUCHER =
  'TS1:100100000V5089U000.40H0WZ7KRATSHQ+8LLKEN-6$OIPZ6NR8L04.$QD5NBWDZ+NJA54OR71RU+SU-0YPSGYS313B+391F3E6LJURMTNNVZ$3OU100'

function decode(bytes: Buffer, chunk = bytes.length): Printed[] {
  const d = new EscPosDecoder()
  const out: Printed[] = []
  for (let i = 0; i < bytes.length; i += chunk) out.push(...d.push(bytes.subarray(i, i + chunk)))
  return out
}
const texts = (p: Printed[]) => p.flatMap((x) => (x.type === 'text' ? [x.text] : []))

describe('ESC/POS encoder and decoder', () => {
  const slip: PrintDocument = {
    blocks: [
      { type: 'text', text: '优惠券 VOUCHER', align: 'center', bold: true, size: 2 },
      { type: 'columns', left: '下次消费立减20元', right: '¥20.00' },
      { type: 'divider' },
      { type: 'qr', data: VOUCHER, size: 4 },
      { type: 'barcode', data: '4006381333931', symbology: 'ean13' },
      { type: 'feed', lines: 2 },
      { type: 'cut' },
      { type: 'drawer' },
    ],
  }

  it('prints Chinese text back as the same text, the native QR payload, barcode, cut and drawer kick', () => {
    const printed = decode(renderEscPos(slip, ZH))
    expect(printed.filter((p) => p.type === 'unknown')).toEqual([])
    expect(texts(printed)).toEqual([
      '优惠券 VOUCHER',
      `下次消费立减20元${' '.repeat(32 - 16 - 6)}¥20.00`,
      '-'.repeat(32),
    ])
    expect(printed.find((p) => p.type === 'text')).toMatchObject({ align: 'center', bold: true, size: 2 })
    expect(printed.find((p) => p.type === 'qr')).toMatchObject({ data: VOUCHER, size: 4, level: 'M', align: 'center' })
    expect(printed.find((p) => p.type === 'barcode')).toMatchObject({ system: 67, data: '4006381333931' })
    expect(printed.map((p) => p.type).slice(-3)).toEqual(['feed', 'cut', 'drawer'])
  })

  it('falls back to a raster QR that a QR reader decodes to the same payload', () => {
    const printed = decode(
      renderEscPos({ blocks: [{ type: 'qr', data: VOUCHER, size: 4 }] }, { ...ZH, nativeQr: false }),
    )
    const img = printed.find((p) => p.type === 'raster')
    if (img?.type !== 'raster') throw new Error('expected a raster image')
    expect(readRasterQr(img)).toBe(VOUCHER)
  })

  it('survives any chunking of the byte stream', () => {
    const bytes = renderEscPos(slip, ZH)
    const whole = decode(bytes)
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), (chunk) => {
        expect(decode(bytes, chunk)).toEqual(whole)
      }),
      { numRuns: 64 },
    )
  })

  it('round-trips any printable text in GB18030 and in a Latin code page', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'abcXYZ 0123,.!?¥中文优惠券测试门店'.split('')), maxLength: 120 }),
        (text) => {
          const lines = texts(decode(renderEscPos({ blocks: [{ type: 'text', text }] }, ZH)))
          expect(lines.join('').replace(/ /g, '')).toBe(text.replace(/ /g, ''))
          for (const l of lines) expect(textWidth(l)).toBeLessThanOrEqual(ZH.cpl)
        },
      ),
    )
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'abc XYZ 09 €éüñ'.split('')), maxLength: 200 }), (text) => {
        const lines = texts(decode(renderEscPos({ blocks: [{ type: 'text', text }] }, LATIN)))
        expect(lines.join('').replace(/ /g, '')).toBe(text.replace(/ /g, ''))
      }),
    )
  })

  it('refuses what the printer cannot print, with the block and the character', () => {
    expect(() =>
      renderEscPos(
        {
          blocks: [
            { type: 'text', text: 'ok' },
            { type: 'text', text: '优惠' },
          ],
        },
        LATIN,
      ),
    ).toThrow(/blocks\[1\] \(text\): "优" cannot be printed in cp858/)
    expect(() => renderEscPos({ blocks: [{ type: 'qr', data: 'x'.repeat(3000) }] }, ZH)).toThrow(PrintRenderError)
    expect(() => renderEscPos({ blocks: [{ type: 'qr', data: VOUCHER, size: 16 }] }, ZH)).toThrow(
      /exceed the 384-dot line/,
    )
    expect(() => renderEscPos({ blocks: [{ type: 'barcode', data: '12', symbology: 'ean13' }] }, ZH)).toThrow(/EAN-13/)
  })

  it('sizes native QR codes from the capacity tables (worst case: byte mode)', () => {
    expect([byteCapacity(1, 'M'), byteCapacity(5, 'M'), byteCapacity(40, 'L'), byteCapacity(40, 'H')]).toEqual([
      14, 84, 2953, 1273,
    ])
    expect(qrModules('x'.repeat(14), 'M')).toBe(21 + 8)
    expect(qrModules('x'.repeat(15), 'M')).toBe(25 + 8)
    expect(qrModules(VOUCHER, 'M')).toBe(17 + 4 * 7 + 8)
    expect(qrModules('x'.repeat(2954), 'L')).toBeNull()
  })

  it('wraps Latin at spaces and CJK anywhere, never past the line', () => {
    expect(wrap('the quick brown fox jumps', 10)).toEqual(['the quick', 'brown fox', 'jumps'])
    expect(wrap('一二三四五六七', 6)).toEqual(['一二三', '四五六', '七'])
    expect(wrap('abcdefghijkl', 5)).toEqual(['abcde', 'fghij', 'kl'])
  })

  it('reports unknown commands instead of printing them as text', () => {
    const printed = decode(Buffer.from([0x1b, 0x40, 0x41, 0x1b, 0x99, 0x42, 0x0a]))
    expect(printed).toContainEqual({ type: 'unknown', bytes: '1b99', offset: 3 })
    expect(texts(printed)).toEqual(['AB'])
  })
})

describe('printer status', () => {
  it('round-trips every condition through the four status bytes', () => {
    fc.assert(
      fc.property(
        fc.record({ coverOpen: fc.boolean(), paperOut: fc.boolean(), paperNearEnd: fc.boolean(), error: fc.boolean() }),
        (c) => {
          const bytes = statusBytes(c)
          for (const b of Object.values(bytes)) expect(isStatusByte(b)).toBe(true)
          const { condition } = parseStatus(bytes)
          expect(condition).toEqual({ ...c, paperNearEnd: c.paperNearEnd || c.paperOut })
        },
      ),
    )
    expect(parseStatus(statusBytes(HEALTHY)).state).toBe('online')
    expect(parseStatus(statusBytes({ ...HEALTHY, paperOut: true })).state).toBe('paper_out')
    expect(parseStatus(statusBytes({ ...HEALTHY, coverOpen: true })).state).toBe('cover_open')
    expect(parseStatus(statusBytes({ ...HEALTHY, paperNearEnd: true })).state).toBe('paper_near_end')
    expect(() => parseStatus({ 1: 0xff, 2: 0x12, 3: 0x12, 4: 0x12 })).toThrow(/not a status byte/)
  })
})
