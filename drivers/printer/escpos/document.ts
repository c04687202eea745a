/** What a receipt is, before it is bytes: the model templates build and the encoder renders. */
export type Align = 'left' | 'center' | 'right'

export type Block =
  | { type: 'text'; text: string; align?: Align; bold?: boolean; size?: 1 | 2 }
  /** Left text and right text on one line (item and price); the left side wraps. */
  | { type: 'columns'; left: string; right: string; bold?: boolean }
  | { type: 'divider'; char?: '-' | '=' }
  /** `size` is the module size in dots (1–16); `level` the error correction. */
  | { type: 'qr'; data: string; size?: number; level?: 'L' | 'M' | 'Q' | 'H'; align?: Align }
  | { type: 'barcode'; data: string; symbology: 'ean13' | 'code128'; align?: Align }
  /**
   * A 1-bit raster image (logos): `rows` is base64 of `height` rows of ceil(width / 8)
   * bytes, leftmost dot in the high bit, 1 = black — JSON-safe, as queued jobs are stored.
   */
  | { type: 'image'; width: number; height: number; rows: string; align?: Align }
  | { type: 'feed'; lines: number }
  | { type: 'cut' }
  | { type: 'drawer' }

export interface PrintDocument {
  blocks: Block[]
}
