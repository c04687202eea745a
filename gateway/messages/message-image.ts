/** A message's picture, as the back office sends it: a data: URL of a PNG, JPEG or WebP, checked by its bytes. */
const TYPES: { type: string; magic: (b: Buffer) => boolean }[] = [
  {
    type: 'image/png',
    magic: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  { type: 'image/jpeg', magic: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: 'image/webp', magic: (b) => b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP' },
]

export function readImage(dataUrl: string, maxBytes: number): { type: string; bytes: Uint8Array } | { error: string } {
  const m = /^data:(image\/(?:png|jpeg|webp));base64,([A-Za-z0-9+/]+={0,2})$/.exec(dataUrl)
  if (!m) return { error: 'a data: URL of a PNG, JPEG or WebP picture' }
  if ((m[2]!.length * 3) / 4 > maxBytes + 3) return { error: `larger than ${Math.round(maxBytes / 1024)} KB` }
  const bytes = Buffer.from(m[2]!, 'base64')
  if (bytes.length > maxBytes) return { error: `larger than ${Math.round(maxBytes / 1024)} KB` }
  const kind = TYPES.find((t) => t.magic(bytes))
  if (!kind) return { error: 'not a PNG, JPEG or WebP picture' }
  if (kind.type !== m[1]) return { error: `says ${m[1]} but is ${kind.type}` }
  return { type: kind.type, bytes }
}
