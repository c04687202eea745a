/** The Electron shell's decisions, under Node (kiosk/main/policy.ts): the binary is not on CI. */
import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
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
} from '../../kiosk/main/policy.js'

const KIOSK = 'http://127.0.0.1:8080/kiosk?kiosk=k1'

describe('kiosk shell policy', () => {
  it('navigates only within the gateway origin', () => {
    expect(allowNavigation('http://127.0.0.1:8080/v/TS1%3AABC', KIOSK)).toBe(true)
    expect(allowNavigation('http://127.0.0.1:8080/kiosk', KIOSK)).toBe(true)
    for (const target of [
      'https://example.com/',
      'http://127.0.0.1:8081/kiosk',
      'https://127.0.0.1:8080/kiosk',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/html,hi',
      'not a url',
    ]) {
      expect(allowNavigation(target, KIOSK), target).toBe(false)
    }
  })

  it('opens no windows and grants no permission', () => {
    expect(windowOpenDecision()).toEqual({ action: 'deny' })
    for (const p of ['media', 'geolocation', 'notifications', 'hid', 'serial', 'clipboard-read', 'fullscreen'])
      expect(allowPermission(p)).toBe(false)
  })

  it('keeps Node out of the page and devtools off unless asked', () => {
    expect(webPreferences(false)).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      devTools: false,
    })
    expect(webPreferences(true).devTools).toBe(true)
    expect(parseKioskArgs([], {}).devtools).toBe(false)
    expect(parseKioskArgs(['--devtools'], {}).devtools).toBe(true)
    expect(parseKioskArgs([], { TILLSIDE_KIOSK_DEVTOOLS: '1' }).devtools).toBe(true)
  })

  it('reads the kiosk URL and refuses what is not http(s)', () => {
    expect(parseKioskArgs(['--url', 'http://10.0.0.2:8080/kiosk', '--kiosk', 'kiosk-2'], {}).url).toBe(
      'http://10.0.0.2:8080/kiosk?kiosk=kiosk-2',
    )
    expect(parseKioskArgs([], { TILLSIDE_KIOSK_URL: 'http://gw:9000/kiosk' }).url).toBe('http://gw:9000/kiosk')
    expect(() => parseKioskArgs(['--url', 'file:///kiosk'], {})).toThrow(/http/)
    expect(() => parseKioskArgs(['--url', '::'], {})).toThrow(/not a URL/)
  })

  it('takes the kiosk token from its file and sets it as an HttpOnly cookie for the gateway only', () => {
    expect(parseKioskArgs([], {}).tokenFile).toBeNull()
    expect(parseKioskArgs(['--token-file', '/etc/tillside/kiosk.token'], {}).tokenFile).toBe(
      '/etc/tillside/kiosk.token',
    )
    expect(parseKioskArgs([], { TILLSIDE_KIOSK_TOKEN_FILE: '/t' }).tokenFile).toBe('/t')
    expect(parseKioskToken('Abcdefghijklmnop_123-xyz\n', 'f')).toBe('Abcdefghijklmnop_123-xyz')
    expect(() => parseKioskToken('', '/etc/tillside/kiosk.token')).toThrow(/kiosk.token does not hold a kiosk token/)
    expect(() => parseKioskToken('short', 'f')).toThrow(/kiosk token/)
    expect(() => parseKioskToken('abcdefghijklmnopq; Path=/x', 'f')).toThrow(/kiosk token/)
    expect(kioskCredentialCookie('http://10.0.0.2:8080/kiosk?kiosk=k', 'Abcdefghijklmnop')).toMatchObject({
      url: 'http://10.0.0.2:8080',
      name: 'tillside_kiosk',
      value: 'Abcdefghijklmnop',
      httpOnly: true,
      secure: false,
      sameSite: 'strict',
    })
    expect(kioskCredentialCookie('https://gw/kiosk', 'Abcdefghijklmnop').secure).toBe(true)
  })

  it('reloads a crashed page at once, then later each time while it keeps crashing, and at once after a quiet minute', () => {
    const p = new CrashPolicy(60_000, 30_000)
    expect([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000].map((t) => p.onFailure(t).delayMs)).toEqual([
      0, 500, 1000, 2000, 4000, 8000, 16000, 30000,
    ])
    expect(p.onFailure(200_000).delayMs).toBe(0)
  })

  it('waits for the gateway, showing the waiting screen, until it answers', async () => {
    const answers = [new Error('ECONNREFUSED'), { ok: false }, { ok: true }]
    const waited: string[] = []
    const sleeps: number[] = []
    const ok = await waitForGateway(KIOSK, {
      fetch: async (url) => {
        expect(url).toBe('http://127.0.0.1:8080/healthz')
        const a = answers.shift()!
        if (a instanceof Error) throw a
        return a
      },
      sleep: async (ms) => void sleeps.push(ms),
      onWaiting: (n, reason) => waited.push(`${n}:${reason}`),
    })
    expect(ok).toBe(true)
    expect(waited).toEqual(['1:ECONNREFUSED', '2:gateway not ready'])
    expect(sleeps).toEqual([1000, 2000])
    expect(decodeURIComponent(waitingPage())).toMatch(/Connecting/)
    expect(waitingPage()).not.toMatch(/script/i)
  })

  it('npm run kiosk explains how to get the Electron binary when it is missing', () => {
    const launch = fileURLToPath(new URL('../../kiosk/main/launch.ts', import.meta.url))
    const r = spawnSync(process.execPath, ['--import', 'tsx', launch], {
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent' },
    })
    // ELECTRON_OVERRIDE_DIST_PATH points the package at a binary that is not there, installed or not.
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/node node_modules\/electron\/install\.js/)
  })
})
