/**
 * Splits a serial byte stream into scan frames. Pure (no I/O, time injected), so the
 * property tests can throw arbitrary chunkings at it.
 *
 * The buffer is bounded: a frame longer than `maxFrameBytes` is discarded up to the
 * next frame end and reported once as an overflow, so a scanner spewing noise without
 * a terminator keeps memory flat and the next good scan still arrives.
 *
 * (node-serialport's parsers are stream Transforms; ours are plain classes because the
 * driver needs the overflow/partial reports alongside frames, and tests need no streams.)
 */
export type FramePiece = { frame: Buffer } | { overflow: number }

const SUFFIXES = { CR: Buffer.from('\r'), LF: Buffer.from('\n'), CRLF: Buffer.from('\r\n'), TAB: Buffer.from('\t') }
export type SuffixName = keyof typeof SUFFIXES

export class SuffixFramer {
  private readonly suffix: Buffer
  private parts: Buffer[] = []
  private size = 0
  private discarding = 0
  /** While discarding, the last bytes seen, so a suffix split across chunks still ends the overflow. */
  private discardTail = Buffer.alloc(0)

  constructor(
    suffix: SuffixName,
    private readonly maxFrameBytes: number,
  ) {
    if (!(suffix in SUFFIXES)) throw new TypeError(`unknown suffix ${suffix}`)
    if (!Number.isInteger(maxFrameBytes) || maxFrameBytes < 1)
      throw new RangeError('maxFrameBytes must be a positive integer')
    this.suffix = SUFFIXES[suffix]
  }

  push(chunk: Buffer): FramePiece[] {
    const out: FramePiece[] = []
    // Keep the last (suffix.length - 1) buffered bytes in view so a CRLF split across
    // two chunks is still found.
    let data = chunk
    if (this.discarding > 0 && this.discardTail.length > 0) {
      data = Buffer.concat([this.discardTail, chunk])
      this.discarding -= this.discardTail.length
      this.discardTail = Buffer.alloc(0)
    } else {
      const carry = Math.min(this.size, this.suffix.length - 1)
      if (carry > 0) data = Buffer.concat([this.takeTail(carry), chunk])
    }
    for (;;) {
      const at = data.indexOf(this.suffix)
      if (at < 0) break
      this.append(data.subarray(0, at))
      this.endFrame(out)
      data = data.subarray(at + this.suffix.length)
    }
    this.append(data)
    return out
  }

  /** Bytes of an unterminated frame still held (reported as partial on close). */
  get buffered(): number {
    return this.size
  }

  /** Drops the partial frame; returns how many bytes were dropped. */
  reset(): number {
    const dropped = this.size + this.discarding
    this.parts = []
    this.size = 0
    this.discarding = 0
    this.discardTail = Buffer.alloc(0)
    return dropped
  }

  private append(bytes: Buffer): void {
    if (bytes.length === 0) return
    // Room for a frame of maxFrameBytes plus the start of a suffix split across chunks
    // (the "\r" of a CRLF); endFrame() checks the frame itself against the limit.
    if (this.discarding === 0 && this.size + bytes.length <= this.maxFrameBytes + this.suffix.length - 1) {
      this.parts.push(Buffer.from(bytes)) // copy: the serial chunk buffer may be reused
      this.size += bytes.length
      return
    }
    this.discarding += this.size + bytes.length
    this.parts = []
    this.size = 0
    this.discardTail = Buffer.from(bytes.subarray(Math.max(0, bytes.length - (this.suffix.length - 1))))
  }

  private endFrame(out: FramePiece[]): void {
    if (this.discarding > 0) {
      out.push({ overflow: this.discarding })
      this.discarding = 0
      this.discardTail = Buffer.alloc(0)
      return
    }
    if (this.size > this.maxFrameBytes) out.push({ overflow: this.size })
    else out.push({ frame: this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.size) })
    this.parts = []
    this.size = 0
  }

  private takeTail(n: number): Buffer {
    const all = Buffer.concat(this.parts, this.size)
    this.parts = n < all.length ? [all.subarray(0, all.length - n)] : []
    this.size = all.length - n
    return all.subarray(all.length - n)
  }
}

/**
 * Frames by silence: a frame ends when no byte arrived for `gapMs`. For scanners that
 * send no suffix. The caller owns the timer: after each push it (re)arms one for
 * `gapMs` and calls `flush()` when it fires.
 */
export class IdleFramer {
  private parts: Buffer[] = []
  private size = 0
  private overflowed = 0

  constructor(private readonly maxFrameBytes: number) {
    if (!Number.isInteger(maxFrameBytes) || maxFrameBytes < 1)
      throw new RangeError('maxFrameBytes must be a positive integer')
  }

  push(chunk: Buffer): void {
    if (this.overflowed > 0) {
      this.overflowed += chunk.length
    } else if (this.size + chunk.length > this.maxFrameBytes) {
      this.overflowed = this.size + chunk.length
      this.parts = []
      this.size = 0
    } else {
      this.parts.push(Buffer.from(chunk))
      this.size += chunk.length
    }
  }

  get buffered(): number {
    return this.size + this.overflowed
  }

  /** The gap elapsed: the bytes so far are one frame (or one overflow). */
  flush(): FramePiece[] {
    const out: FramePiece[] = []
    if (this.overflowed > 0) out.push({ overflow: this.overflowed })
    else if (this.size > 0) out.push({ frame: Buffer.concat(this.parts, this.size) })
    this.reset()
    return out
  }

  reset(): number {
    const dropped = this.size + this.overflowed
    this.parts = []
    this.size = 0
    this.overflowed = 0
    return dropped
  }
}
