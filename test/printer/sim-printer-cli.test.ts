/** `tillside sim printer` as a process: slips come out as text, stdin acts out paper-out. */
import { describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { CLI } from '../helpers/cli.js'
import { waitFor } from '../helpers/wait.js'
import { openTcpPrinter } from '../../drivers/printer/bindings/printer-port.js'
import { EscPosPrinter } from '../../drivers/printer/escpos-printer.js'
import { renderEscPos } from '../../drivers/printer/escpos/encoder.js'

describe('tillside sim printer', () => {
  it('prints what it receives and answers status from stdin commands', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'sim', 'printer', '--port', '0'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    try {
      const port = Number((await waitFor(() => /tcp port (\d+)/.exec(err), 'listening'))[1])
      const printer = new EscPosPrinter(await openTcpPrinter('127.0.0.1', port, 1000), 500)
      await printer.print(
        renderEscPos(
          { blocks: [{ type: 'text', text: '测试 slip' }, { type: 'qr', data: 'TS1:CLI' }, { type: 'cut' }] },
          { cpl: 32, dots: 384, encoding: 'gb18030', nativeQr: true },
        ),
      )
      await waitFor(() => out.includes('[QR TS1:CLI]'), 'slip on stdout')
      expect(out).toContain('测试 slip')
      child.stdin.write('paper-out\n')
      await waitFor(() => err.includes('"paperOut":true'), 'command taken')
      expect((await printer.status()).state).toBe('paper_out')
      await printer.close()
    } finally {
      const exited = new Promise<number | null>((r) => child.once('exit', r))
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
    }
  })
})
