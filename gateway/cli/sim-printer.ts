/**
 * `tillside sim printer [--port 9100 | --pty <path>]`: the virtual printer as a program.
 * It prints every slip it receives as text on stdout (QR payloads in brackets) and takes
 * commands on stdin to act out trouble: paper-out, paper-in, near-end, cover-open,
 * cover-close, silent, garbage, normal.
 */
import { createInterface } from 'node:readline'
import { VirtualPrinter, receiptText } from '../../drivers/printer/virtual-printer.js'
import { HEALTHY } from '../../drivers/printer/escpos/status.js'

const COMMANDS: Record<string, (p: VirtualPrinter) => void> = {
  'paper-out': (p) => void (p.condition.paperOut = true),
  'paper-in': (p) => void ((p.condition.paperOut = false), (p.condition.paperNearEnd = false)),
  'near-end': (p) => void (p.condition.paperNearEnd = true),
  'cover-open': (p) => void (p.condition.coverOpen = true),
  'cover-close': (p) => void (p.condition.coverOpen = false),
  silent: (p) => void (p.statusMode = 'silent'),
  garbage: (p) => void (p.statusMode = 'garbage'),
  normal: (p) => void ((p.statusMode = 'normal'), (p.condition = { ...HEALTHY })),
}

export async function runSimPrinter(port: string | undefined, pty: string | undefined): Promise<number> {
  if (port !== undefined && pty !== undefined) {
    process.stderr.write('tillside sim printer: --port or --pty, not both\n')
    return 2
  }
  const tcpPort = port === undefined ? 9100 : Number(port)
  if (!Number.isInteger(tcpPort) || tcpPort < 0 || tcpPort > 65535) {
    process.stderr.write(`tillside sim printer: --port ${port} is not a port number\n`)
    return 2
  }
  const printer = new VirtualPrinter()
  printer.on('receipt', (r) => process.stdout.write(`${receiptText(r).join('\n')}\n${'✂'.repeat(16)}\n`))
  printer.on('dropped', (item) => process.stderr.write(`(not printed, printer cannot print: ${item.type})\n`))
  if (pty) {
    await printer.attachPty(pty)
    process.stderr.write(`virtual printer on ${pty}\n`)
  } else {
    const bound = await printer.listenTcp(tcpPort, '0.0.0.0')
    process.stderr.write(`virtual printer on tcp port ${bound}\n`)
  }
  process.stderr.write(`commands: ${Object.keys(COMMANDS).join(', ')}\n`)
  const rl = createInterface({ input: process.stdin })
  const stop = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
    rl.on('line', (line) => {
      const command = COMMANDS[line.trim()]
      if (command) {
        command(printer)
        process.stderr.write(`condition: ${JSON.stringify(printer.condition)} status answers: ${printer.statusMode}\n`)
      } else if (line.trim()) process.stderr.write(`unknown command; try ${Object.keys(COMMANDS).join(', ')}\n`)
    })
  })
  await stop
  rl.close()
  process.stdin.destroy() // an open stdin pipe would keep the process alive
  await printer.close()
  return 0
}
