/**
 * The Electron kiosk shell: one full-screen window on the gateway's /kiosk page. Thin on
 * purpose — every decision is in ./policy.ts (tested under Node); this file only wires
 * those decisions to Electron. Started by `npm run kiosk` (./launch.ts).
 */
import { readFileSync } from 'node:fs'
import { app, BrowserWindow, powerSaveBlocker, session, type WebContents } from 'electron'
import {
  CrashPolicy,
  allowNavigation,
  allowPermission,
  kioskCredentialCookie,
  parseKioskArgs,
  parseKioskToken,
  waitForGateway,
  waitingPage,
  webPreferences,
  windowOpenDecision,
} from './policy.js'

const options = parseKioskArgs(process.argv, process.env)
const token = options.tokenFile ? parseKioskToken(readFileSync(options.tokenFile, 'utf8'), options.tokenFile) : null
const crashes = new CrashPolicy()
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
let window: BrowserWindow | null = null

function guard(contents: WebContents): void {
  contents.setWindowOpenHandler(windowOpenDecision)
  const block = (event: { preventDefault(): void }, url: string) => {
    if (!allowNavigation(url, options.url)) event.preventDefault()
  }
  contents.on('will-navigate', block)
  contents.on('will-redirect', block)
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

async function load(win: BrowserWindow): Promise<void> {
  await win.loadURL(waitingPage())
  await waitForGateway(options.url, { fetch: (url) => fetch(url), sleep })
  if (token) await session.defaultSession.cookies.set(kioskCredentialCookie(options.url, token))
  await win.loadURL(options.url)
}

function reloadLater(win: BrowserWindow, why: string): void {
  const { delayMs } = crashes.onFailure(Date.now())
  process.stderr.write(`kiosk: ${why}; reloading in ${delayMs} ms\n`)
  setTimeout(() => void load(win), delayMs)
}

app.on('web-contents-created', (_e, contents) => guard(contents))
app.whenReady().then(
  () => {
    session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) =>
      callback(allowPermission(permission)),
    )
    session.defaultSession.setPermissionCheckHandler((_wc, permission) => allowPermission(permission))
    powerSaveBlocker.start('prevent-display-sleep')
    window = new BrowserWindow({
      kiosk: true,
      fullscreen: true,
      autoHideMenuBar: true,
      backgroundColor: '#f2c14e',
      webPreferences: webPreferences(options.devtools),
    })
    const win = window
    win.webContents.on('render-process-gone', (_e, details) => reloadLater(win, `renderer gone (${details.reason})`))
    win.on('unresponsive', () => reloadLater(win, 'page unresponsive'))
    win.webContents.on('did-fail-load', (_e, code, description, url) => {
      if (url !== waitingPage()) reloadLater(win, `load failed (${code} ${description})`)
    })
    void load(win)
  },
  (err: unknown) => {
    process.stderr.write(`kiosk: ${String(err)}\n`)
    app.exit(1)
  },
)
app.on('window-all-closed', () => app.quit())
