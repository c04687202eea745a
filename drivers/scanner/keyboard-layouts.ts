/**
 * HID keyboard usage IDs (HID Usage Tables, page 0x07) → characters, per layout the
 * scanner is programmed for. Each entry is [plain, shift, altGr?]; `dead` marks keys
 * that only produce their character when followed by a space.
 */
export interface KeyEntry {
  plain: string
  shift: string
  altGr?: string
  dead?: boolean
}
export type Layout = Map<number, KeyEntry>
export type LayoutName = 'us' | 'uk' | 'de' | 'fr'

function base(): Layout {
  const m: Layout = new Map()
  for (let i = 0; i < 26; i++) {
    const c = String.fromCharCode(97 + i)
    m.set(0x04 + i, { plain: c, shift: c.toUpperCase() })
  }
  const digits = '1234567890'
  const shifted = '!@#$%^&*()'
  for (let i = 0; i < 10; i++) m.set(0x1e + i, { plain: digits[i]!, shift: shifted[i]! })
  const rest: [number, string, string][] = [
    [0x2c, ' ', ' '],
    [0x2d, '-', '_'],
    [0x2e, '=', '+'],
    [0x2f, '[', '{'],
    [0x30, ']', '}'],
    [0x31, '\\', '|'],
    [0x32, '#', '~'],
    [0x33, ';', ':'],
    [0x34, "'", '"'],
    [0x35, '`', '~'],
    [0x36, ',', '<'],
    [0x37, '.', '>'],
    [0x38, '/', '?'],
    [0x64, '\\', '|'],
    // Keypad, as sent with Num Lock on (scanners send it so).
    [0x54, '/', '/'],
    [0x55, '*', '*'],
    [0x56, '-', '-'],
    [0x57, '+', '+'],
    [0x62, '0', '0'],
    [0x63, '.', '.'],
  ]
  for (const [u, p, s] of rest) m.set(u, { plain: p, shift: s })
  for (let i = 0; i < 9; i++) m.set(0x59 + i, { plain: String(i + 1), shift: String(i + 1) })
  return m
}

function patch(layout: Layout, entries: [number, string, string, string?, boolean?][]): Layout {
  for (const [u, plain, shift, altGr, dead] of entries) layout.set(u, { plain, shift, altGr, dead })
  return layout
}

function letter(layout: Layout, usage: number, c: string, altGr?: string): void {
  layout.set(usage, { plain: c, shift: c.toUpperCase(), altGr })
}

const US = base()

const UK = patch(base(), [
  [0x1f, '2', '"'],
  [0x20, '3', '£'],
  [0x34, "'", '@'],
  [0x32, '#', '~'],
  [0x35, '`', '¬'],
  [0x64, '\\', '|'],
])

const DE = (() => {
  const l = patch(base(), [
    [0x1e, '1', '!'],
    [0x1f, '2', '"', '²'],
    [0x20, '3', '§', '³'],
    [0x21, '4', '$'],
    [0x22, '5', '%'],
    [0x23, '6', '&'],
    [0x24, '7', '/', '{'],
    [0x25, '8', '(', '['],
    [0x26, '9', ')', ']'],
    [0x27, '0', '=', '}'],
    [0x2d, 'ß', '?', '\\'],
    [0x2e, '´', '`', undefined, true],
    [0x2f, 'ü', 'Ü'],
    [0x30, '+', '*', '~'],
    [0x32, '#', "'"],
    [0x31, '#', "'"],
    [0x33, 'ö', 'Ö'],
    [0x34, 'ä', 'Ä'],
    [0x35, '^', '°', undefined, true],
    [0x36, ',', ';'],
    [0x37, '.', ':'],
    [0x38, '-', '_'],
    [0x64, '<', '>', '|'],
  ])
  letter(l, 0x1c, 'z')
  letter(l, 0x1d, 'y')
  letter(l, 0x14, 'q', '@')
  letter(l, 0x08, 'e', '€')
  letter(l, 0x10, 'm', 'µ')
  return l
})()

const FR = (() => {
  const l = patch(base(), [
    [0x1e, '&', '1'],
    [0x1f, 'é', '2', '~'],
    [0x20, '"', '3', '#'],
    [0x21, "'", '4', '{'],
    [0x22, '(', '5', '['],
    [0x23, '-', '6', '|'],
    [0x24, 'è', '7', '`'],
    [0x25, '_', '8', '\\'],
    [0x26, 'ç', '9', '^'],
    [0x27, 'à', '0', '@'],
    [0x2d, ')', '°', ']'],
    [0x2e, '=', '+', '}'],
    [0x2f, '^', '¨', undefined, true],
    [0x30, '$', '£', '¤'],
    [0x31, '*', 'µ'],
    [0x32, '*', 'µ'],
    [0x33, 'm', 'M'],
    [0x34, 'ù', '%'],
    [0x35, '²', '²'],
    [0x10, ',', '?'],
    [0x36, ';', '.'],
    [0x37, ':', '/'],
    [0x38, '!', '§'],
    [0x64, '<', '>'],
  ])
  letter(l, 0x04, 'q')
  letter(l, 0x14, 'a')
  letter(l, 0x1a, 'z')
  letter(l, 0x1d, 'w')
  letter(l, 0x08, 'e', '€')
  return l
})()

export const LAYOUTS: Record<LayoutName, Layout> = { us: US, uk: UK, de: DE, fr: FR }
