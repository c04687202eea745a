/** From a printer's config: its profile for the encoder and a connector for the print queue. */
import type { PrinterConfig } from '../../config/schema.js'
import type { SerialBinding } from '../bindings/serial.js'
import { openTcpPrinter, type PrinterPort } from './bindings/printer-port.js'
import { EscPosPrinter } from './escpos-printer.js'
import { openUsbPrinter } from './bindings/usb-lp.js'
import type { PrinterProfile } from './escpos/encoder.js'
import type { VirtualPrinter } from './virtual-printer.js'

export function printerProfile(c: PrinterConfig): PrinterProfile {
  return c.paperWidth === 58
    ? { cpl: 32, dots: 384, encoding: c.encoding, nativeQr: c.nativeQr }
    : { cpl: 48, dots: 576, encoding: c.encoding, nativeQr: c.nativeQr }
}

/** `simulator` is the in-process virtual printer handed in by the runtime. */
export function printerConnector(
  c: PrinterConfig,
  serial: SerialBinding,
  simulator: () => VirtualPrinter,
): () => Promise<EscPosPrinter> {
  return async () => {
    let port: PrinterPort
    const t = c.transport
    if (t.type === 'tcp') port = await openTcpPrinter(t.host, t.port, Math.max(1000, c.statusTimeoutMs))
    else if (t.type === 'usb') port = await openUsbPrinter(t.path)
    else if (t.type === 'serial')
      port = await serial.open({ path: t.path, baudRate: t.baudRate, dataBits: 8, parity: 'none', stopBits: 1 })
    else port = simulator().connectInProcess()
    return new EscPosPrinter(port, c.statusTimeoutMs, c.statusChannel)
  }
}
