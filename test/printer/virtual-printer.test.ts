/**
 * The printer driver against the virtual printer, through a real TCP socket and a real
 * socat pty opened with serialport: status in every condition, a slip printed and read
 * back, silence and garbage in answer to a status request.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { openTcpPrinter } from '../../drivers/printer/bindings/printer-port.js'
import { serialportBinding } from '../../drivers/bindings/serial.js'
import { openUsbPrinter } from '../../drivers/printer/bindings/usb-lp.js'
import { EscPosPrinter } from '../../drivers/printer/escpos-printer.js'
import { VirtualPrinter, receiptText, type Receipt } from '../../drivers/printer/virtual-printer.js'
import { renderEscPos, type PrinterProfile } from '../../drivers/printer/escpos/encoder.js'
import { requireProgram } from '../helpers/system.js'
import { tempDir } from '../helpers/tmp.js'
import { PtyPair } from '../helpers/socat.js'

const PROFILE: PrinterProfile = { cpl: 32, dots: 384, encoding: 'gb18030', nativeQr: true }
const SLIP = renderEscPos(
  { blocks: [{ type: 'text', text: '优惠券 ¥20' }, { type: 'qr', data: 'TS1:HELLO WORLD' }, { type: 'cut' }] },
  PROFILE,
)
const nextReceipt = (v: VirtualPrinter) => new Promise<Receipt>((resolve) => v.once('receipt', resolve))

async function exercise(printer: EscPosPrinter, virtual: VirtualPrinter): Promise<void> {
  expect(await printer.status()).toEqual({
    state: 'online',
    condition: { coverOpen: false, paperOut: false, paperNearEnd: false, error: false },
    problem: null,
  })
  const got = nextReceipt(virtual)
  await printer.print(SLIP)
  expect(receiptText(await got)).toEqual(['优惠券 ¥20', '[QR TS1:HELLO WORLD]'])
  virtual.condition.paperOut = true
  expect((await printer.status()).state).toBe('paper_out')
  await printer.print(SLIP) // dropped, as by a printer that went offline
  virtual.condition = { coverOpen: true, paperOut: false, paperNearEnd: false, error: false }
  expect((await printer.status()).state).toBe('cover_open')
  virtual.condition = { coverOpen: false, paperOut: false, paperNearEnd: true, error: false }
  expect((await printer.status()).state).toBe('paper_near_end')
  virtual.statusMode = 'garbage'
  expect(await printer.status()).toMatchObject({ state: 'error', problem: 'garbage' })
  virtual.statusMode = 'silent'
  expect(await printer.status()).toMatchObject({ state: 'offline', problem: 'no_answer' })
  expect(virtual.receipts).toHaveLength(1)
  expect(virtual.dropped).toBeGreaterThan(0)
}

describe('ESC/POS printer ↔ virtual printer', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  it('over TCP (port 9100 style)', async () => {
    const virtual = new VirtualPrinter()
    const port = await virtual.listenTcp(0)
    cleanups.push(() => virtual.close())
    const printer = new EscPosPrinter(await openTcpPrinter('127.0.0.1', port, 1000), 300)
    cleanups.push(() => printer.close())
    await exercise(printer, virtual)
  })

  it('refuses to open a TCP printer that is not there', async () => {
    await expect(openTcpPrinter('127.0.0.1', 1, 1000)).rejects.toMatchObject({
      name: 'DeviceOpenError',
      code: 'not_found',
    })
  })

  /** A socat pty pair with the virtual printer on its host end; returns the device end's path. */
  async function virtualPrinterOnPty(): Promise<{ device: string; virtual: VirtualPrinter; dir: string }> {
    const tmp = tempDir()
    cleanups.push(() => tmp.cleanup())
    const pty = new PtyPair(join(tmp.dir, 'printer'), join(tmp.dir, 'printer-host'))
    await pty.start()
    cleanups.push(() => pty.stop())
    const virtual = new VirtualPrinter()
    await virtual.attachPty(pty.hostPath)
    cleanups.push(() => virtual.close())
    return { device: pty.devicePath, virtual, dir: tmp.dir }
  }

  it.skipIf(!requireProgram('socat', 'printer over pty'))(
    'through a character device with a polled back channel (USB printer class code path, on a pty)',
    async () => {
      const { device, virtual, dir } = await virtualPrinterOnPty()
      const printer = new EscPosPrinter(await openUsbPrinter(device), 300)
      cleanups.push(() => printer.close())
      await exercise(printer, virtual)
      await expect(openUsbPrinter(join(dir, 'lp9'))).rejects.toMatchObject({ code: 'not_found' })
    },
  )

  it.skipIf(!requireProgram('socat', 'printer over pty'))('over a serial line (socat pty, serialport)', async () => {
    const { device, virtual } = await virtualPrinterOnPty()
    const printer = new EscPosPrinter(
      await serialportBinding.open({ path: device, baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 }),
      300,
    )
    cleanups.push(() => printer.close())
    await exercise(printer, virtual)
  })
})
