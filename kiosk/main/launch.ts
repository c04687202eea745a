/**
 * `npm run kiosk`: starts Electron on ./main.js. npm installs Electron without its
 * binary (its download script is off in package.json's allowScripts); on the kiosk
 * machine fetch it once with `node node_modules/electron/install.js`.
 */
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
let binary: string
try {
  binary = require('electron') as string // in Node, the package exports the binary's path
} catch {
  binary = ''
}
if (!binary || !existsSync(binary)) {
  process.stderr.write(
    'tillside kiosk: the Electron binary is not installed. Run once: node node_modules/electron/install.js\n',
  )
  process.exit(1)
}
const main = fileURLToPath(new URL('./main.js', import.meta.url))
const child = spawn(binary, [main, ...process.argv.slice(2)], { stdio: 'inherit' })
child.on('exit', (code) => process.exit(code ?? 1))
