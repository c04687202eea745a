/**
 * Every decision of the Electron kiosk shell, as plain functions tested under Node (the
 * Electron binary is not available on CI). kiosk/main/main.ts only wires these to
 * Electron's events; nothing there decides anything.
 */

export interface KioskOptions {
  /** The gateway's kiosk page, e.g. http://127.0.0.1:8080/kiosk?kiosk=kiosk-scanner */
  url: string
  devtools: boolean
  /** The file holding this kiosk's token (kiosk.credentials in the gateway's config); null: the page asks staff to pair it. */
  tokenFile: string | null
}

/** Reads --url / --kiosk / --devtools / --token-file (or TILLSIDE_KIOSK_URL / _DEVTOOLS / _TOKEN_FILE). */
export function parseKioskArgs(argv: string[], env: NodeJS.ProcessEnv): KioskOptions {
  const value = (flag: string) => {
    const i = argv.indexOf(flag)
    return i >= 0 ? argv[i + 1] : undefined
  }
  const base = value('--url') ?? env.TILLSIDE_KIOSK_URL ?? 'http://127.0.0.1:8080/kiosk'
  let url: URL
  try {
    url = new URL(base)
  } catch {
    throw new Error(`--url ${base} is not a URL`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`--url must be http(s); got ${url.protocol}`)
  const kiosk = value('--kiosk')
  if (kiosk) url.searchParams.set('kiosk', kiosk)
  const tokenFile = value('--token-file') ?? env.TILLSIDE_KIOSK_TOKEN_FILE ?? null
  return {
    url: url.toString(),
    devtools: argv.includes('--devtools') || env.TILLSIDE_KIOSK_DEVTOOLS === '1',
    tokenFile,
  }
}

const TOKEN = /^[A-Za-z0-9._~-]{16,200}$/

/** The kiosk's token from its file (first line, trimmed); a clear error when it is not one. */
export function parseKioskToken(text: string, file: string): string {
  const token = text.split('\n')[0]!.trim()
  if (!TOKEN.test(token))
    throw new Error(
      `${file} does not hold a kiosk token (16–200 letters, digits, . _ ~ -; made by tillside secret token)`,
    )
  return token
}

/**
 * The gateway's kiosk cookie, set in the shell's session before the page loads: the
 * gateway trusts the kiosk by it, and the page's script cannot read it (HttpOnly).
 */
export function kioskCredentialCookie(kioskUrl: string, token: string) {
  const origin = new URL(kioskUrl).origin
  return {
    url: origin,
    name: 'tillside_kiosk',
    value: token,
    path: '/',
    httpOnly: true,
    secure: origin.startsWith('https:'),
    sameSite: 'strict' as const,
    expirationDate: Math.floor(Date.now() / 1000) + 10 * 365 * 24 * 3600,
  }
}

/** Only the gateway's own origin: a link in a voucher's terms must not take the kiosk onto the web. */
export function allowNavigation(target: string, kioskUrl: string): boolean {
  try {
    return new URL(target).origin === new URL(kioskUrl).origin
  } catch {
    return false
  }
}

/** New windows (target=_blank, window.open) are never opened. */
export const windowOpenDecision = (): { action: 'deny' } => ({ action: 'deny' })

/** Camera, microphone, geolocation, notifications, HID, serial…: the page needs none of them. */
export const allowPermission = (_permission: string): boolean => false

/** The window's web preferences: no Node in the page, sandboxed, isolated, no <webview>. */
export function webPreferences(devtools: boolean) {
  return {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    devTools: devtools,
    spellcheck: false,
    navigateOnDragDrop: false,
  }
}

/**
 * What to do when the page's renderer dies or hangs: reload, a little later each time
 * while it keeps failing (a crash loop must not spin the CPU), back to at once after a
 * quiet spell.
 */
export class CrashPolicy {
  private recent: number[] = []

  constructor(
    private readonly windowMs = 60_000,
    private readonly maxDelayMs = 30_000,
  ) {}

  onFailure(now: number): { action: 'reload'; delayMs: number } {
    this.recent = this.recent.filter((t) => now - t < this.windowMs)
    this.recent.push(now)
    const delayMs = this.recent.length <= 1 ? 0 : Math.min(this.maxDelayMs, 500 * 2 ** (this.recent.length - 2))
    return { action: 'reload', delayMs }
  }
}

/** Polls until the gateway answers its health check; the shell shows a waiting screen meanwhile. */
export async function waitForGateway(
  kioskUrl: string,
  opts: {
    fetch: (url: string) => Promise<{ ok: boolean }>
    sleep: (ms: number) => Promise<void>
    onWaiting?: (attempt: number, reason: string) => void
    intervalMs?: number
    signal?: AbortSignal
  },
): Promise<boolean> {
  const health = new URL('/healthz', kioskUrl).toString()
  for (let attempt = 1; !opts.signal?.aborted; attempt++) {
    let reason: string
    try {
      const res = await opts.fetch(health)
      if (res.ok) return true
      reason = 'gateway not ready'
    } catch (err) {
      reason = (err as Error).message
    }
    opts.onWaiting?.(attempt, reason)
    await opts.sleep(Math.min(5000, (opts.intervalMs ?? 1000) * Math.min(attempt, 5)))
  }
  return false
}

/** The page shown while the gateway is not answering (a data: URL; no script, no network). */
export function waitingPage(): string {
  const html = `<!doctype html><meta charset="utf-8"><style>body{margin:0;height:100vh;display:flex;align-items:center;justify-content:center;font:32px system-ui,sans-serif;background:#f2c14e;color:#2b1d0e}</style><body>正在连接… · Connecting…</body>`
  return `data:text/html;charset=utf-8,${encodeURIComponent(html)}`
}
