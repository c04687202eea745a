/**
 * print.render: voucher-slip documents rendered to ESC/POS per second — Chinese text in
 * GB18030 with the round-trip check, columns, a 120-character voucher QR — with native
 * QR and with the raster fallback (the QR matrix is computed either way, to check fit).
 */
import { renderEscPos, type PrinterProfile } from '../../drivers/printer/escpos/encoder.js'
import type { PrintDocument } from '../../drivers/printer/escpos/document.js'
import { report } from './report.js'

const SLIPS = 2000
const CODE =
  'TS1:100100000V5089U000.40H0WZ7KRATSHQ+8LLKEN-6$OIPZ6NR8L04.$QD5NBWDZ+NJA54OR71RU+SU-0YPSGYS313B+391F3E6LJURMTNNVZ$3OU100'

function slip(i: number): PrintDocument {
  return {
    blocks: [
      { type: 'text', text: 'Tillside 演示店', align: 'center', bold: true, size: 2 },
      { type: 'text', text: '下次消费立减20元 / ¥20 off your next visit', align: 'center' },
      { type: 'divider' },
      { type: 'qr', data: CODE.slice(0, 110) + String(i).padStart(10, '0'), size: 5 },
      { type: 'columns', left: '面值 Value', right: '¥20.00' },
      { type: 'columns', left: '有效期至 Valid until', right: '2026-12-23' },
      {
        type: 'text',
        text: '可用门店：B店 · Redeemable at shop B. 每次限用一张，不可兑换现金。One per visit, not exchangeable for cash.',
      },
      { type: 'feed', lines: 3 },
      { type: 'cut' },
    ],
  }
}

export function benchPrintRender(): Promise<void> {
  for (const nativeQr of [true, false]) {
    const profile: PrinterProfile = { cpl: 48, dots: 576, encoding: 'gb18030', nativeQr }
    for (let i = 0; i < 200; i++) renderEscPos(slip(i), profile) // warm-up
    const t0 = performance.now()
    let bytes = 0
    for (let i = 0; i < SLIPS; i++) bytes += renderEscPos(slip(i), profile).length
    const perSec = Math.round((SLIPS / (performance.now() - t0)) * 1000)
    report({
      bench: 'print.render',
      metric: nativeQr ? 'voucher_slips_per_s_native_qr' : 'voucher_slips_per_s_raster_qr',
      value: perSec,
      unit: 'slips/s',
      bytes_per_slip: Math.round(bytes / SLIPS),
    })
  }
  return Promise.resolve()
}
