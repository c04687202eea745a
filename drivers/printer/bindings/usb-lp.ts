/**
 * A USB printer-class device (`/dev/usb/lp0`, Linux usblp driver). Writes go to the
 * device file; the back channel (status answers) is read non-blocking and polled for a
 * short while after each write, because a blocking read on a character device pins a
 * libuv thread until the printer speaks — and some never do.
 */
import { constants } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { DeviceOpenError } from '../../scanner/types.js'
import type { PrinterPort } from './printer-port.js'

const POLL_MS = 10
const POLL_WINDOW_MS = 1000

export async function openUsbPrinter(path: string): Promise<PrinterPort> {
  let fh: FileHandle
  try {
    fh = await open(path, constants.O_RDWR | constants.O_NONBLOCK | constants.O_NOCTTY)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENODEV' || code === 'ENXIO')
      throw new DeviceOpenError('not_found', `${path} not found (unplugged?)`)
    if (code === 'EACCES' || code === 'EPERM')
      throw new DeviceOpenError(
        'permission_denied',
        `no permission to open ${path}: add the service user to the lp group`,
      )
    if (code === 'EBUSY') throw new DeviceOpenError('busy', `${path} is in use by another program (CUPS?)`)
    throw new DeviceOpenError('io', `cannot open ${path}: ${(err as Error).message}`)
  }
  const listeners: ((chunk: Buffer) => void)[] = []
  let closeListener: (err: Error | null) => void = () => {}
  let closed = false
  let pollUntil = 0
  let polling = false
  const buf = Buffer.alloc(256)

  const fail = (err: Error) => {
    if (closed) return
    closed = true
    void fh.close().catch(() => undefined)
    closeListener(err)
  }
  const poll = async () => {
    if (polling) return
    polling = true
    try {
      while (!closed && Date.now() < pollUntil) {
        let n = 0
        try {
          n = (await fh.read(buf, 0, buf.length, null)).bytesRead
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') return fail(err as Error)
        }
        if (n > 0) listeners.forEach((l) => l(Buffer.from(buf.subarray(0, n))))
        else await new Promise((r) => setTimeout(r, POLL_MS))
      }
    } finally {
      polling = false
    }
  }

  return {
    async write(data) {
      if (closed) throw new Error(`${path} is closed`)
      let off = 0
      try {
        while (off < data.length) {
          try {
            off += (await fh.write(data, off)).bytesWritten
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err
            await new Promise((r) => setTimeout(r, POLL_MS)) // printer buffer full: wait
          }
        }
      } catch (err) {
        fail(err as Error)
        throw err
      }
      pollUntil = Date.now() + POLL_WINDOW_MS
      void poll()
    },
    onData: (l) => void listeners.push(l),
    onClose: (l) => void (closeListener = l),
    async close() {
      if (closed) return
      closed = true
      await fh.close()
    },
  }
}
