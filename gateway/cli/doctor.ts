/**
 * `tillside doctor`: what a manager or installer runs when something is off, and what
 * the installer runs: everything `start` needs (doctor-checks.ts has the rest). Prints one
 * line per check (✓ ok, ! warning, ✗ problem); exits 2 on config problems, 1 on others.
 */
import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import Database from 'better-sqlite3'
import { ConfigError, configNotes, loadConfigFile } from '../../config/load.js'
import type { Config, ScannerDeviceConfig } from '../../config/schema.js'
import { serialportBinding } from '../../drivers/bindings/serial.js'
import type { HidBinding } from '../../drivers/bindings/hid.js'
import { hidBindingFor } from '../../drivers/scanner/create-scanner.js'
import { DeviceOpenError } from '../../drivers/scanner/types.js'
import { databasePath } from '../runtime/gateway.js'
import { checkIntegrity, schemaVersion } from '../store/database.js'
import {
  checkBroker,
  checkClock,
  checkDisk,
  checkPortalController,
  checkPrinters,
  checkVoucherFiles,
  type Mark,
  type Say,
} from './doctor-checks.js'

const BY_ID = '/dev/serial/by-id'

export async function runDoctor(configPath: string): Promise<number> {
  const out: [Mark, string][] = []
  const say = (mark: Mark, text: string) => {
    out.push([mark, text])
    process.stdout.write(`${mark} ${text}\n`)
  }
  let config: Config
  try {
    config = loadConfigFile(configPath, process.env)
    say('✓', `config ${configPath}: valid (store ${config.store.id}, ${config.devices.length} devices)`)
    for (const note of configNotes(config)) say('!', note)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    say('✗', `config ${configPath}: ${err.problems.length} problem(s)`)
    for (const p of err.problems) process.stdout.write(`    ${p.path}: ${p.message}\n`)
    return 2
  }
  await checkPort(config, say)
  checkOpenFiles(config, say)
  checkDisk(config, say)
  checkClock(say)
  listSerialById(say)
  const hid = hidBindingFor(config.devices)
  for (const device of config.devices) await checkDevice(device, hid, say)
  await checkPrinters(config, say)
  checkVoucherFiles(config, say)
  await checkBroker(config, say)
  checkPortalController(config, say)
  checkDatabase(config, say)
  const problems = out.filter(([m]) => m === '✗').length
  process.stdout.write(problems === 0 ? 'doctor: all checks passed\n' : `doctor: ${problems} problem(s)\n`)
  return problems === 0 ? 0 : 1
}

async function checkPort(config: Config, say: Say): Promise<void> {
  const { host, port } = config.http
  const free = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
    const server = createServer()
    server.once('error', (err) => resolve(err))
    server.listen(port, host, () => server.close(() => resolve(null)))
  })
  if (!free) return say('✓', `http ${host}:${port}: free`)
  if (free.code !== 'EADDRINUSE') return say('✗', `http ${host}:${port}: cannot listen (${free.code})`)
  const running = await fetch(`http://${host.includes(':') ? `[${host}]` : host}:${port}/healthz`)
    .then((r) => r.json() as Promise<{ journal?: string }>)
    .catch(() => null)
  if (running?.journal)
    say('✓', `http ${host}:${port}: a Tillside gateway is running there (journal ${running.journal})`)
  else say('✗', `http ${host}:${port}: in use by another program`)
}

/** Files this process may open: each connection, the database, devices and pipes take one. */
function openFilesLimit(limitsText: string): number | null {
  const line = limitsText.split('\n').find((l) => l.startsWith('Max open files'))
  const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0]
  return soft === undefined ? null : soft === 'unlimited' ? Infinity : Number(soft)
}

function checkOpenFiles(config: Config, say: Say): void {
  const needed = config.http.maxConnections + (config.portal.enabled ? config.portal.http.maxConnections : 0) + 256
  let limit: number | null = null
  try {
    limit = openFilesLimit(readFileSync('/proc/self/limits', 'utf8'))
  } catch {
    return say('!', 'open files: cannot read /proc/self/limits')
  }
  if (limit === null) return say('!', 'open files: limit unknown')
  if (limit >= needed) return say('✓', `open files: limit ${limit} ≥ ${needed} (listeners' connection caps + 256)`)
  say(
    '✗',
    `open files: limit ${limit} < ${needed} the listeners may hold (http.maxConnections + portal.http.maxConnections + 256): set LimitNOFILE=${Math.max(needed, 8192)} in the service unit (or ulimit -n), or lower the caps`,
  )
}

function listSerialById(say: Say): void {
  if (!existsSync(BY_ID)) return say('!', `${BY_ID}: none (no USB serial devices plugged in, or no udev)`)
  for (const name of readdirSync(BY_ID)) say('✓', `found ${BY_ID}/${name} → ${realpathSync(`${BY_ID}/${name}`)}`)
}

async function checkDevice(device: ScannerDeviceConfig, hid: HidBinding, say: Say): Promise<void> {
  const t = device.transport
  const label = `device ${device.id} (${t.type}, ${device.role})`
  if (t.type === 'simulator') return say('✓', `${label}: simulated`)
  if (t.type === 'serial' && !t.path.startsWith(BY_ID)) {
    say('!', `${label}: ${t.path} may change after a replug; prefer a ${BY_ID}/… path`)
  }
  try {
    const conn =
      t.type === 'serial'
        ? await serialportBinding.open({
            path: t.path,
            baudRate: t.baudRate,
            dataBits: t.dataBits,
            parity: t.parity,
            stopBits: t.stopBits,
          })
        : await hid.open({
            vendorId: t.vendorId,
            productId: t.productId,
            serialNumber: t.serialNumber,
            driver: t.type === 'hid-keyboard' ? 'libusb' : 'hidraw',
          })
    await conn.close()
    say('✓', `${label}: opens`)
  } catch (err) {
    const e = err as DeviceOpenError
    const hint = e.code === 'busy' ? ' (is the gateway running? then this is fine)' : ''
    say(e instanceof DeviceOpenError && e.code === 'busy' ? '!' : '✗', `${label}: ${e.message}${hint}`)
  }
}

function checkDatabase(config: Config, say: Say): void {
  const file = databasePath(config)
  if (!existsSync(file)) return say('✓', `database ${file}: not created yet (first start creates it)`)
  let db: Database.Database | null = null
  try {
    db = new Database(file, { readonly: true, fileMustExist: true })
    const integrity = checkIntegrity(db)
    const version = schemaVersion(db)
    const { n, last } = db.prepare('SELECT count(*) AS n, max(seq) AS last FROM events').get() as {
      n: number
      last: number | null
    }
    const mb = (statSync(file).size / 1e6).toFixed(1)
    say(
      integrity === 'ok' ? '✓' : '✗',
      `database ${file}: integrity ${integrity}, schema v${version}, ${n} events, last seq ${last ?? 0}, ${mb} MB`,
    )
  } catch (err) {
    say('✗', `database ${file}: ${(err as Error).message}`)
  } finally {
    db?.close()
  }
}
