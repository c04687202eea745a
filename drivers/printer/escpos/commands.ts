/**
 * The ESC/POS commands Tillside sends and the virtual printer understands (Epson
 * ESC/POS Application Programming Guide; the TM-T20/T88 class and compatibles).
 */
export const ESC = 0x1b
export const GS = 0x1d
export const FS = 0x1c
export const DLE = 0x10
export const LF = 0x0a

export const INIT = [ESC, 0x40] // ESC @
export const CHINESE_ON = [FS, 0x26] // FS &: two-byte (GB18030) characters
export const CHINESE_OFF = [FS, 0x2e] // FS .
export const selectCodePage = (n: number) => [ESC, 0x74, n] // ESC t n
export const align = (n: 0 | 1 | 2) => [ESC, 0x61, n] // ESC a n
export const bold = (on: boolean) => [ESC, 0x45, on ? 1 : 0] // ESC E n
export const charSize = (mul: 1 | 2) => [GS, 0x21, mul === 2 ? 0x11 : 0x00] // GS ! n: width and height
export const feedLines = (n: number) => [ESC, 0x64, n] // ESC d n
export const CUT = [GS, 0x56, 0x42, 0x00] // GS V 66 0: feed to the cutter and cut
export const DRAWER_KICK = [ESC, 0x70, 0x00, 0x19, 0xfa] // ESC p 0 t1 t2: pulse pin 2
export const statusRequest = (n: 1 | 2 | 3 | 4) => [DLE, 0x04, n] // DLE EOT n

/** GS ( k for QR model 2: fn 65 model, 67 module size, 69 error level, 80 store, 81 print. */
export const QR_FN = { model: 0x41, size: 0x43, level: 0x45, store: 0x50, print: 0x51 } as const
export function qrCommand(fn: number, params: number[]): number[] {
  const len = params.length + 2
  return [GS, 0x28, 0x6b, len & 0xff, len >> 8, 0x31, fn, ...params]
}

/** ESC t numbers of the Latin code pages the encoder offers (Epson numbering). */
export const CODE_PAGES = { cp437: 0, cp1252: 16, cp866: 17, cp858: 19 } as const
export type CodePage = keyof typeof CODE_PAGES

/** GS k m (format 2) barcode systems. */
export const BARCODE_SYSTEMS = { ean13: 67, code128: 73 } as const
