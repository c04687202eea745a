/**
 * Where an installed Tillside lives (docs/install.md), under `root` ('/' on a store's box;
 * a temporary folder in tests): releases side by side with a `current` link, the config
 * in /etc, the data in /var/lib, backups in /var/backups, units in /etc/systemd/system.
 */
import { join } from 'node:path'

export interface Layout {
  root: string
  opt: string
  releases: string
  current: string
  etc: string
  config: string
  kioskEnv: string
  data: string
  backups: string
  units: string
  udevRules: string
}

export function layout(root: string): Layout {
  const at = (...p: string[]) => join(root, ...p)
  return {
    root,
    opt: at('opt/tillside'),
    releases: at('opt/tillside/releases'),
    current: at('opt/tillside/current'),
    etc: at('etc/tillside'),
    config: at('etc/tillside/store.yaml'),
    kioskEnv: at('etc/tillside/kiosk.env'),
    data: at('var/lib/tillside'),
    backups: at('var/backups/tillside'),
    units: at('etc/systemd/system'),
    udevRules: at('etc/udev/rules.d'),
  }
}

/** The oldest Node this release runs on, and the ones a store should run (LTS, still maintained upstream). */
const NODE_MINIMUM = [20, 19] as const
const NODE_RECOMMENDED = '22 or 24 (LTS)'

/** Whether `version` (process.versions.node) is new enough; the sentence to say when it is not. */
export function nodeProblem(version: string): string | null {
  const [major = 0, minor = 0] = version.split('.').map(Number)
  if (major > NODE_MINIMUM[0] || (major === NODE_MINIMUM[0] && minor >= NODE_MINIMUM[1])) return null
  return `Node ${version} is too old: Tillside needs ${NODE_MINIMUM.join('.')} or newer; install Node ${NODE_RECOMMENDED} (https://nodejs.org/en/download, or NodeSource's apt repository) and run this again`
}
