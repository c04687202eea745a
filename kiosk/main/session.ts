/**
 * What the kiosk's screen runs at boot (tillside-kiosk.service): cage, the Wayland kiosk
 * compositor, showing one full-screen app — the Electron shell when the release has its
 * binary (it holds the kiosk token and locks the window down), else Debian's Chromium in
 * --kiosk mode (paired once on the screen; its profile keeps that). A plain function, tested
 * under Node; session-launch.ts only finds the programs and runs the answer.
 */
import { parseKioskArgs } from './policy.js'

export interface Found {
  cage: string | null
  /** The Electron binary, when installed (node node_modules/electron/install.js). */
  electron: string | null
  chromium: string | null
}

export interface SessionCommand {
  command: string
  args: string[]
  /** Which app cage shows, for the log. */
  app: 'electron' | 'chromium'
}

/** Chromium as a kiosk: no bars, no dialogs, no swiping back, no update nags; its own profile. */
const CHROMIUM_FLAGS = [
  '--kiosk',
  '--noerrdialogs',
  '--disable-infobars',
  '--no-first-run',
  '--disable-translate',
  '--disable-pinch',
  '--overscroll-history-navigation=0',
  '--check-for-update-interval=31536000',
  '--ozone-platform=wayland',
]

export function kioskSession(
  found: Found,
  electronMain: string,
  argv: string[],
  env: NodeJS.ProcessEnv,
): SessionCommand {
  if (!found.cage) throw new Error('cage is not installed: apt install cage (scripts/install does)')
  const options = parseKioskArgs(argv, env) // a bad --url is refused before anything starts
  // cage -s: allow switching virtual terminals (support can reach a console); -- ends its options.
  if (found.electron)
    return { command: found.cage, args: ['-s', '--', found.electron, electronMain, ...argv], app: 'electron' }
  if (!found.chromium)
    throw new Error(
      'neither the Electron binary nor Chromium is installed: apt install chromium (scripts/install does)',
    )
  const profile = env.TILLSIDE_KIOSK_PROFILE ?? `${env.HOME ?? '/var/lib/tillside-kiosk'}/chromium`
  return {
    command: found.cage,
    args: ['-s', '--', found.chromium, ...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, options.url],
    app: 'chromium',
  }
}
