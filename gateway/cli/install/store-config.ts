/**
 * The store's first config (/etc/tillside/store.yaml), from the installer's answers or
 * flags: who the store is, where its data lives, the scanners and printer it found. An
 * existing config is never overwritten (a re-run or an upgrade keeps it). Checked against
 * the schema before it is written, so a typo in a flag is said here, not at start.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { stringify } from 'yaml'
import { parseConfig, ConfigError } from '../../../config/load.js'
import { CONFIG_VERSION } from '../../../config/config-version.js'
import { InstallError } from './releases.js'

export interface StoreAnswers {
  storeId: string
  storeName: string
  merchant: string
  /** /dev/serial/by-id/… (or /dev/tillside/… from the udev rules) */
  scanners: string[]
  printer: string | null
  dataDir: string
}

/** Scanners and printers plugged in now, by the names that survive replugging. */
export function foundDevices(dev = '/dev'): { serial: string[]; printers: string[] } {
  const list = (dir: string) => {
    try {
      return readdirSync(dir).map((n) => `${dir}/${n}`)
    } catch {
      return []
    }
  }
  return { serial: list(`${dev}/serial/by-id`), printers: list(`${dev}/usb`).filter((p) => /\/lp\d+$/.test(p)) }
}

function storeConfigText(a: StoreAnswers): string {
  const doc = {
    version: CONFIG_VERSION,
    store: { id: a.storeId, name: a.storeName, merchant: a.merchant },
    dataDir: a.dataDir,
    dev: false,
    http: { host: '0.0.0.0', port: 8080 },
    devices: a.scanners.map((path, i) => ({
      id: i === 0 ? 'till-scanner' : `scanner-${i + 1}`,
      name: i === 0 ? 'Till scanner' : `Scanner ${i + 1}`,
      kind: 'scanner',
      role: 'till',
      transport: { type: 'serial', path },
    })),
    printers: a.printer
      ? [{ id: 'till-printer', name: 'Till printer', role: 'till', transport: { type: 'usb', path: a.printer } }]
      : [],
  }
  return `# Written by scripts/install; every key: /opt/tillside/current/docs/config.md\n${stringify(doc)}`
}

/** Writes the config unless one is there; false when it was kept. */
export function writeStoreConfig(file: string, a: StoreAnswers): boolean {
  if (existsSync(file)) return false
  const text = storeConfigText(a)
  try {
    parseConfig(text, file)
  } catch (err) {
    if (err instanceof ConfigError) throw new InstallError(err.message)
    throw err
  }
  writeFileSync(file, text, { mode: 0o640 })
  return true
}
