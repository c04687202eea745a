/**
 * The printer's OS edge: a byte pipe both ways. Serial printers use the serial binding's
 * connection as it is (it has the same shape). Contract as for serial scanners: `open`
 * rejects with DeviceOpenError; `onClose(err)` fires once when the link goes away on its
 * own (never for `close()`); `write` resolves when the bytes were handed to the OS.
 */
import { connect } from 'node:net'
import { DeviceOpenError } from '../../scanner/types.js'

export interface PrinterPort {
  write(data: Buffer): Promise<void>
  onData(listener: (chunk: Buffer) => void): void
  onClose(listener: (err: Error | null) => void): void
  close(): Promise<void>
}

/** Raw TCP (port 9100, "JetDirect"): how network receipt printers take ESC/POS. */
export function openTcpPrinter(host: string, port: number, timeoutMs: number): Promise<PrinterPort> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, noDelay: true })
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new DeviceOpenError('not_found', `no answer from ${host}:${port} within ${timeoutMs} ms`))
    }, timeoutMs)
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      reject(
        new DeviceOpenError(
          err.code === 'ECONNREFUSED' || err.code === 'EHOSTUNREACH' ? 'not_found' : 'io',
          `cannot reach ${host}:${port}: ${err.message}`,
        ),
      )
    })
    socket.once('connect', () => {
      clearTimeout(timer)
      socket.removeAllListeners('error')
      let closing = false
      let closeListener: (err: Error | null) => void = () => {}
      let failure: Error | null = null
      socket.on('error', (err) => (failure = err))
      socket.on('close', () => {
        if (!closing) closeListener(failure)
      })
      resolve({
        write: (data) => new Promise((res, rej) => socket.write(data, (err) => (err ? rej(err) : res()))),
        onData: (l) => void socket.on('data', l),
        onClose: (l) => void (closeListener = l),
        close: () =>
          new Promise((res) => {
            closing = true
            if (socket.destroyed) return res()
            socket.end(() => res())
            setTimeout(() => (socket.destroy(), res()), 1000).unref()
          }),
      })
    })
  })
}
