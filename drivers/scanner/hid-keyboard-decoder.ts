/**
 * Keyboard-wedge scanners read as raw HID boot-protocol keyboard reports:
 *   [0] modifier bits  [1] reserved  [2..7] up to six pressed key usages
 * A key produces a character when it appears in a report it was not in before (scanners
 * "press" each key for one report, then release). Shift (either side) and Caps Lock
 * (letters only) select the shifted character; right Alt is AltGr.
 */
import { LAYOUTS, type Layout, type LayoutName } from './keyboard-layouts.js'

const ENTER = 0x28
const KEYPAD_ENTER = 0x58
const TAB = 0x2b
const CAPS_LOCK = 0x39
const SPACE = 0x2c
const ROLLOVER_ERROR = 0x01
const SHIFT_BITS = 0x02 | 0x20
const ALTGR_BIT = 0x40

export type KeyboardPiece = { text: string } | { end: true } | { unknownKey: number }

export class KeyboardReportDecoder {
  private readonly layout: Layout
  private previous = new Set<number>()
  private capsLock = false
  private deadKey: string | null = null

  constructor(
    layout: LayoutName,
    private readonly terminator: 'enter' | 'tab',
  ) {
    const l = LAYOUTS[layout]
    if (!l) throw new RangeError(`unknown keyboard layout ${layout}`)
    this.layout = l
  }

  push(report: Uint8Array): KeyboardPiece[] {
    // Some devices prefix the boot report with a report ID byte.
    const r = report.length === 9 ? report.subarray(1) : report
    if (r.length < 3) return []
    const keys = [...r.subarray(2, 8)].filter((k) => k !== 0)
    if (keys.includes(ROLLOVER_ERROR)) return [] // phantom state: keep the previous set
    const modifiers = r[0]!
    const out: KeyboardPiece[] = []
    for (const usage of keys) {
      if (this.previous.has(usage)) continue
      this.press(usage, modifiers, out)
    }
    this.previous = new Set(keys)
    return out
  }

  reset(): void {
    this.previous.clear()
    this.deadKey = null
  }

  private press(usage: number, modifiers: number, out: KeyboardPiece[]): void {
    if (usage === CAPS_LOCK) {
      this.capsLock = !this.capsLock
      return
    }
    const isEnter = usage === ENTER || usage === KEYPAD_ENTER
    if ((isEnter && this.terminator === 'enter') || (usage === TAB && this.terminator === 'tab')) {
      this.flushDead(out)
      out.push({ end: true })
      return
    }
    if (usage === TAB) return void out.push({ text: '\t' })
    const entry = this.layout.get(usage)
    if (!entry) return void out.push({ unknownKey: usage })
    const shift = (modifiers & SHIFT_BITS) !== 0
    let ch = modifiers & ALTGR_BIT ? (entry.altGr ?? '') : shift ? entry.shift : entry.plain
    if (this.capsLock && !(modifiers & ALTGR_BIT) && entry.plain.toUpperCase() !== entry.plain.toLowerCase()) {
      ch = shift ? entry.plain : entry.shift
    }
    if (ch === '') return void out.push({ unknownKey: usage })
    if (this.deadKey !== null) {
      // Dead key + space types the accent itself; we do not compose accented letters.
      const dead = this.deadKey
      this.deadKey = null
      out.push({ text: usage === SPACE ? dead : dead + ch })
      return
    }
    if (entry.dead && !(modifiers & ALTGR_BIT)) {
      this.deadKey = ch
      return
    }
    out.push({ text: ch })
  }

  private flushDead(out: KeyboardPiece[]): void {
    if (this.deadKey !== null) out.push({ text: this.deadKey })
    this.deadKey = null
  }
}

/** The decoder's inverse: text as boot reports (press, release per character), for replay tests. */
export function encodeKeyboardReports(
  text: string,
  layoutName: LayoutName = 'us',
  end: 'enter' | 'tab' | null = 'enter',
): Buffer[] {
  const layout = LAYOUTS[layoutName]
  const reports: Buffer[] = []
  const release = Buffer.alloc(8)
  for (const ch of text) {
    let found: [number, number] | null = null
    for (const [usage, e] of layout) {
      if (e.dead) continue
      if (e.plain === ch) found = [usage, 0]
      else if (e.shift === ch) found = [usage, 0x02]
      else if (e.altGr === ch) found = [usage, ALTGR_BIT]
      if (found) break
    }
    if (!found) throw new RangeError(`character ${JSON.stringify(ch)} not on layout ${layoutName}`)
    reports.push(Buffer.from([found[1], 0, found[0], 0, 0, 0, 0, 0]), release)
  }
  if (end) reports.push(Buffer.from([0, 0, end === 'enter' ? ENTER : TAB, 0, 0, 0, 0, 0]), release)
  return reports
}
