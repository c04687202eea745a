/**
 * The serial OS edge. Contract: `open` rejects with DeviceOpenError; after open, data
 * arrives through `onData`; `onClose(err)` fires exactly once when the port goes away
 * on its own (err set when it was a failure, e.g. unplugged) — never for `close()`.
 */
import { DeviceOpenError } from '../scanner/types.js'

export interface SerialOpenOptions {
  path: string
  baudRate: number
  dataBits: 5 | 6 | 7 | 8
  parity: 'none' | 'even' | 'odd' | 'mark' | 'space'
  stopBits: 1 | 1.5 | 2
}

export interface SerialConnection {
  onData(listener: (chunk: Buffer) => void): void
  onClose(listener: (err: Error | null) => void): void
  /** Resolves once the bytes were handed to the OS (drained). */
  write(data: Buffer): Promise<void>
  close(): Promise<void>
}

export interface SerialBinding {
  open(options: SerialOpenOptions): Promise<SerialConnection>
}

/** The real binding, on node-serialport (loaded lazily: a store without serial devices never loads it). */
export const serialportBinding: SerialBinding = {
  async open(options) {
    const { SerialPort } = await import('serialport')
    const port = new SerialPort({ ...options, autoOpen: false, lock: true })
    await new Promise<void>((resolve, reject) =>
      port.open((err) => (err ? reject(classifyOpenError(options.path, err)) : resolve())),
    )
    let closing = false
    let closeListener: (err: Error | null) => void = () => {}
    let reported = false
    const report = (err: Error | null) => {
      if (closing || reported) return
      reported = true
      closeListener(err)
    }
    // An 'error' after open (EIO when the device vanishes) must never become an
    // unhandled 'error' event that crashes the process.
    port.on('error', (err) => report(err))
    port.on('close', (err: (Error & { disconnected?: boolean }) | null) => report(err ?? null))
    return {
      onData: (listener) => void port.on('data', listener),
      onClose: (listener) => void (closeListener = listener),
      write: (data) =>
        new Promise<void>((resolve, reject) =>
          port.write(data, (err) => (err ? reject(err) : port.drain((e) => (e ? reject(e) : resolve())))),
        ),
      close: () =>
        new Promise<void>((resolve) => {
          closing = true
          if (!port.isOpen) return resolve()
          port.close(() => resolve())
        }),
    }
  },
}

export function classifyOpenError(path: string, err: Error): DeviceOpenError {
  const text = err.message
  if (/ENOENT|No such file/i.test(text)) return new DeviceOpenError('not_found', `${path} not found (unplugged?)`)
  if (/EACCES|Permission denied/i.test(text)) {
    return new DeviceOpenError(
      'permission_denied',
      `no permission to open ${path}: add the service user to the dialout group`,
    )
  }
  if (/lock|EBUSY|busy/i.test(text)) return new DeviceOpenError('busy', `${path} is in use by another program`)
  return new DeviceOpenError('io', `cannot open ${path}: ${text}`)
}
