/** What the kiosk's screen runs at boot (kiosk/main/session.ts), decided under Node. */
import { describe, expect, it } from 'vitest'
import { kioskSession } from '../../kiosk/main/session.js'

const MAIN = '/opt/tillside/current/dist/kiosk/main/main.js'

describe('the kiosk session', () => {
  it('runs the Electron shell under cage when its binary is installed, with the flags it was given', () => {
    const s = kioskSession(
      { cage: '/usr/bin/cage', electron: '/opt/e/electron', chromium: '/usr/bin/chromium' },
      MAIN,
      ['--kiosk', 'kiosk-scanner'],
      {},
    )
    expect(s).toEqual({
      command: '/usr/bin/cage',
      args: ['-s', '--', '/opt/e/electron', MAIN, '--kiosk', 'kiosk-scanner'],
      app: 'electron',
    })
  })

  it("falls back to Chromium in kiosk mode on the gateway's page, with a profile that keeps its pairing", () => {
    const s = kioskSession({ cage: '/usr/bin/cage', electron: null, chromium: '/usr/bin/chromium' }, MAIN, [], {
      TILLSIDE_KIOSK_URL: 'http://127.0.0.1:8080/kiosk',
      HOME: '/var/lib/tillside-kiosk',
    })
    expect(s.app).toBe('chromium')
    expect(s.args.slice(0, 4)).toEqual(['-s', '--', '/usr/bin/chromium', '--kiosk'])
    expect(s.args).toContain('--user-data-dir=/var/lib/tillside-kiosk/chromium')
    expect(s.args.at(-1)).toBe('http://127.0.0.1:8080/kiosk')
  })

  it('says what to install, and refuses a bad URL before starting anything', () => {
    const none = { cage: '/usr/bin/cage', electron: null, chromium: null }
    expect(() => kioskSession(none, MAIN, [], {})).toThrow(
      /neither the Electron binary nor Chromium.*apt install chromium/,
    )
    expect(() => kioskSession({ ...none, cage: null }, MAIN, [], {})).toThrow(/cage is not installed: apt install cage/)
    expect(() =>
      kioskSession({ ...none, chromium: '/usr/bin/chromium' }, MAIN, ['--url', 'file:///etc/passwd'], {}),
    ).toThrow(/--url must be http\(s\)/)
  })
})
