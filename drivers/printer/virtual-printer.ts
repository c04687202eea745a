/**
 * A virtual ESC/POS printer for development and tests: listens on TCP (like port 9100)
 * or sits on a pty, decodes what it receives into what would be on paper, answers status
 * requests from its condition (paper out, cover open…), and can be told to answer
 * nothing or garbage. While it cannot print it drops print data, as a printer that has
 * gone offline does — so only a queue that checks status prints everything.
 */
import { EventEmitter } from 'node:events'
import { createServer, type Server, type Socket } from 'node:net'
import { open, type FileHandle } from 'node:fs/promises'
import tty from 'node:tty'
import { EscPosDecoder, type Printed } from './escpos/decoder.js'
import { HEALTHY, statusBytes, type PrinterCondition } from './escpos/status.js'
import type { PrinterPort } from './bindings/printer-port.js'

/** Everything printed up to (and including) a cut: one slip. */
export interface Receipt {
  items: Printed[]
}

export interface VirtualPrinterEvents {
  receipt: [Receipt]
  dropped: [Printed]
}

export const RECEIPTS_KEPT = 200

export class VirtualPrinter extends EventEmitter<VirtualPrinterEvents> {
  condition: PrinterCondition = { ...HEALTHY }
  /** 'silent': ignore status requests; 'garbage': answer 0xFF. */
  statusMode: 'normal' | 'silent' | 'garbage' = 'normal'
  /** The latest receipts, oldest first; the simulator runs for days under `npm start`, so only the last RECEIPTS_KEPT. */
  readonly receipts: Receipt[] = []
  dropped = 0
  private current: Printed[] = []
  private server: Server | null = null
  private readonly sockets = new Set<Socket>()
  private pty: { file: FileHandle; reader: tty.ReadStream } | null = null

  get canPrint(): boolean {
    return !this.condition.paperOut && !this.condition.coverOpen && !this.condition.error
  }

  /** Listens like a network printer; resolves with the bound port. */
  async listenTcp(port = 9100, host = '127.0.0.1'): Promise<number> {
    const server = createServer((socket) => {
      this.sockets.add(socket)
      const decoder = new EscPosDecoder()
      socket.on('data', (chunk) => this.receive(decoder, chunk, (b) => socket.write(b)))
      socket.on('close', () => this.sockets.delete(socket))
      socket.on('error', () => socket.destroy())
    })
    this.server = server
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, () => resolve()))
    return (server.address() as { port: number }).port
  }

  /** Sits on one end of a pty pair (the gateway opens the other as a serial printer). */
  async attachPty(path: string): Promise<void> {
    const file = await open(path, 'r+')
    const reader = new tty.ReadStream(file.fd)
    const decoder = new EscPosDecoder()
    reader.on('data', (chunk: Buffer) => this.receive(decoder, chunk, (b) => void file.write(b)))
    this.pty = { file, reader }
  }

  /** A port straight into this printer, in the same process (the `simulator` transport). */
  connectInProcess(): PrinterPort {
    const decoder = new EscPosDecoder()
    const listeners: ((chunk: Buffer) => void)[] = []
    return {
      write: async (data) => this.receive(decoder, data, (b) => queueMicrotask(() => listeners.forEach((l) => l(b)))),
      onData: (l) => void listeners.push(l),
      onClose: () => {},
      close: async () => {},
    }
  }

  /** Drops every connection, as an unplugged printer would. */
  disconnectAll(): void {
    for (const s of this.sockets) s.destroy()
  }

  async close(): Promise<void> {
    this.disconnectAll()
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
    this.server = null
    if (this.pty) {
      this.pty.reader.destroy()
      await this.pty.file.close()
      this.pty = null
    }
  }

  private receive(decoder: EscPosDecoder, chunk: Buffer, reply: (b: Buffer) => void): void {
    for (const item of decoder.push(chunk)) {
      if (item.type === 'status_request') {
        if (this.statusMode === 'silent') continue
        const n = item.n as 1 | 2 | 3 | 4
        reply(Buffer.from([this.statusMode === 'garbage' ? 0xff : (statusBytes(this.condition)[n] ?? 0x12)]))
        continue
      }
      if (item.type === 'init') continue
      if (!this.canPrint) {
        this.dropped++
        this.emit('dropped', item)
        continue
      }
      this.current.push(item)
      if (item.type === 'cut') {
        const receipt = { items: this.current }
        this.current = []
        this.receipts.push(receipt)
        if (this.receipts.length > RECEIPTS_KEPT) this.receipts.shift()
        this.emit('receipt', receipt)
      }
    }
  }
}

/** The text lines and QR payloads of a receipt, for eyes and assertions. */
export function receiptText(r: Receipt): string[] {
  return r.items.flatMap((i) =>
    i.type === 'text'
      ? [i.text]
      : i.type === 'qr'
        ? [`[QR ${i.data}]`]
        : i.type === 'raster'
          ? [`[image ${i.width}×${i.height}]`]
          : i.type === 'barcode'
            ? [`[barcode ${i.data}]`]
            : [],
  )
}
