#!/usr/bin/env node
/** The `tillside` command line: start, doctor, backup, config-schema, vouchers, keys, cloud, simulators. */
import { parseArgs } from 'node:util'
import { ConfigError, envOverrideNames, loadConfigFile, resolveConfigPath } from '../../config/load.js'
import type { Config } from '../../config/schema.js'
import { packageVersion } from '../version.js'
import { runStart } from './start.js'
import { runDoctor } from './doctor.js'
import { runBackup, runRestore } from './backup.js'
import { configJsonSchema } from '../../config/json-schema.js'
import { runKeysShow, runSecret, runTrustKeygen, runTrustSign, runVoucherIssue } from './voucher-cli.js'
import { runSimPrinter } from './sim-printer.js'
import { runCloud } from './cloud-cli.js'
import { runCloudEnroll, runCloudReport } from './cloud-report-cli.js'
import { runReconcile } from './payments-cli.js'
import { runInstall } from './install/install-cli.js'
import { runDevices } from './devices-cli.js'
import { packageRoot } from '../version.js'

const HELP = `tillside ${packageVersion()} — the in-store O2O gateway

Usage: tillside <command> [options]

Commands:
  start             run the gateway: journal, devices, HTTP (kiosk, till, portal, APIs)
  doctor            check the config, devices, HTTP port and database; exit 1 on problems
  backup <file.tar.gz> | --dir <folder> [--keep-days <n>]
                    the store as one archive (journal, keys, trust list, campaigns…),
                    safe while running; <file.db>: the journal alone
  install [--release <dir|tarball>] [--store-id <id> --store-name <name> --merchant <id>]
        [--scanners <path>,…] [--printer <path>] [--yes] | install --upgrade <tarball>
                    as root (scripts/install): put this release in /opt/tillside, the
                    config in /etc/tillside, the units in place, and start it; --upgrade
                    backs up, switches, and rolls back if the new one is not healthy
  devices [--udev]  the USB scanners and printers plugged in, and the udev rules that give
                    them stable names (/dev/tillside/<role>-scanner) and the tillside group
  restore <archive> [--other-store]
                    check a backup whole, then put it in place (gateway stopped)
  config-schema     print the config's JSON Schema (what config/schema.json holds)
  voucher issue --campaign <id> [--member <id>]
                    issue a voucher from this store and print its code
  keys show         print this gateway's issuer public key (to enrol in the trust list)
  trust keygen <file>
                    operator: create the root key pair (prints vouchers.rootPublicKey)
  trust sign --root <file> <issuers.yaml>
                    operator: print a trust list signed with the root key
  secret pin        hash a cashier PIN read from stdin (till.cashiers[].pinHash)
  secret password   hash a back-office password read from stdin (admin.users[].passwordHash)
  secret token      make a token and its hash (till.posTokens[], kiosk.credentials[])
  cloud --broker <url> [--db cloud.db | --db postgres://…] [--shared] [--id <client id>]
        [--summary-every <s>] [--any-store] [--time-zone <zone>] [--http <host:port>]
        [--http-token-file <file>] [--session-expiry <s>]
                    the reference cloud ingest: stores every store's events once,
                    acknowledges them; --shared splits the load between several
                    (PostgreSQL: several machines); sends issuers their vouchers used
                    at partners (default every 300 s); --http serves the reports;
                    the broker keeps a worker's session while it is away for
                    --session-expiry seconds (default 60 with --shared or without
                    --id, else 7 days)
  cloud enroll --db postgres://… --store <id>[,<id>…] [--merchant <id>] [--name <text>]
                    let stores' batches into a PostgreSQL cloud
  cloud report <name> --db postgres://… --from <YYYY-MM-DD> --to <YYYY-MM-DD>
        [--csv | --json] [--store <id>] [--funder <merchant> --honourer <merchant>]
                    attribution, vouchers, settlement, double-use, overview, campaigns
  cloud send --broker <url> --store <id> --type <command> --file <yaml|json> [--id <id>]
                    send a store a command (campaigns, revocations, trust-list,
                    config-patch, print-test-page, reannounce); prints its result
                    both: [--ca <pem>] [--cert <pem> --key <pem>]
                    [--username <name> --password-file <file>] for mqtts:// brokers
  payments reconcile --provider alipay|wechat --file <bill> --date <YYYY-MM-DD> [--json]
                    the day's charges and refunds in the journal against the provider's
                    downloaded bill; prints the differences, exit 1 when there are any
  sim printer [--port 9100 | --pty <path>]
                    a virtual ESC/POS printer: prints slips as text; stdin: paper-out,
                    paper-in, near-end, cover-open, cover-close, silent, garbage, normal

Options:
  -c, --config <file>  config file (default: $TILLSIDE_CONFIG, else config/default.yaml)
  -h, --help           this help
  -v, --version        print the version

Environment overrides (win over the file):
  ${envOverrideNames().join(', ')}

Exit codes: 0 ok, 1 failure, 2 invalid config or usage.
`

function usageError(message: string): never {
  process.stderr.write(`tillside: ${message}\nRun "tillside --help" for usage.\n`)
  process.exit(2)
}

/** The config when there is a valid one (devices names by its roles); null otherwise, said on stderr. */
function loadConfigQuietly(file: string): Config | null {
  try {
    return loadConfigFile(file, process.env)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    process.stderr.write(`(no usable config at ${file}: devices are named by kind, not role)\n`)
    return null
  }
}

export function loadConfigOrExit(file: string): Config {
  try {
    return loadConfigFile(file, process.env)
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`tillside: invalid config ${err.file}\n`)
      for (const p of err.problems) process.stderr.write(`  ${p.path}: ${p.message}\n`)
      process.exit(2)
    }
    throw err
  }
}

async function main(argv: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        campaign: { type: 'string' },
        member: { type: 'string' },
        root: { type: 'string' },
        port: { type: 'string' },
        pty: { type: 'string' },
        broker: { type: 'string' },
        db: { type: 'string' },
        shared: { type: 'boolean' },
        'summary-every': { type: 'string' },
        'session-expiry': { type: 'string' },
        id: { type: 'string' },
        store: { type: 'string' },
        type: { type: 'string' },
        file: { type: 'string' },
        ca: { type: 'string' },
        cert: { type: 'string' },
        key: { type: 'string' },
        username: { type: 'string' },
        'password-file': { type: 'string' },
        provider: { type: 'string' },
        date: { type: 'string' },
        json: { type: 'boolean' },
        csv: { type: 'boolean' },
        from: { type: 'string' },
        to: { type: 'string' },
        funder: { type: 'string' },
        honourer: { type: 'string' },
        merchant: { type: 'string' },
        name: { type: 'string' },
        'any-store': { type: 'boolean' },
        'time-zone': { type: 'string' },
        http: { type: 'string' },
        'http-token-file': { type: 'string' },
        dir: { type: 'string' },
        'keep-days': { type: 'string' },
        'other-store': { type: 'boolean' },
        upgrade: { type: 'string' },
        udev: { type: 'boolean' },
        sysfs: { type: 'string' },
        release: { type: 'string' },
        prefix: { type: 'string' },
        yes: { type: 'boolean' },
        'store-id': { type: 'string' },
        'store-name': { type: 'string' },
        scanners: { type: 'string' },
        printer: { type: 'string' },
        systemctl: { type: 'string' },
        'health-timeout': { type: 'string' },
      },
    })
  } catch (err) {
    usageError((err as Error).message)
  }
  const { values, positionals } = parsed
  if (values.version) return (void process.stdout.write(`${packageVersion()}\n`), 0)
  const [command, ...rest] = positionals
  if (values.help || command === undefined || command === 'help') return (void process.stdout.write(HELP), 0)
  const configPath = resolveConfigPath(values.config, process.env)
  switch (command) {
    case 'start':
      if (rest.length > 0) usageError(`start takes no arguments (got ${rest.join(' ')})`)
      return runStart(loadConfigOrExit(configPath))
    case 'doctor':
      return runDoctor(configPath)
    case 'backup':
      if (rest.length > 1) usageError(`backup takes one target file (got ${rest.join(' ')})`)
      return runBackup(loadConfigOrExit(configPath), {
        target: rest[0],
        dir: values.dir,
        keepDays: values['keep-days'],
      })
    case 'devices':
      if (rest.length > 0) usageError(`devices takes options only (got ${rest.join(' ')})`)
      return runDevices(loadConfigQuietly(configPath), values.udev ?? false, values.sysfs)
    case 'install':
      if (rest.length > 0) usageError(`install takes options only (got ${rest.join(' ')})`)
      return runInstall({
        root: values.prefix ?? '/',
        from: values.upgrade ?? values.release ?? packageRoot(),
        upgrade: values.upgrade !== undefined,
        yes: values.yes ?? false,
        answers: {
          storeId: values['store-id'],
          storeName: values['store-name'],
          merchant: values.merchant,
          scanners: values.scanners?.split(',').filter(Boolean) ?? [],
          printer: values.printer,
        },
        systemctl: values.systemctl ?? 'systemctl',
        healthTimeoutMs: Number(values['health-timeout'] ?? 60) * 1000,
      })
    case 'restore':
      if (rest.length !== 1) usageError('restore needs exactly one argument: the archive')
      return runRestore(loadConfigOrExit(configPath), rest[0]!, values['other-store'] ?? false)
    case 'config-schema':
      process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`)
      return 0
    case 'voucher':
      if (rest[0] !== 'issue' || rest.length !== 1) usageError('usage: voucher issue --campaign <id> [--member <id>]')
      return runVoucherIssue(loadConfigOrExit(configPath), values.campaign, values.member)
    case 'keys':
      if (rest[0] !== 'show') usageError('usage: keys show')
      return runKeysShow(loadConfigOrExit(configPath))
    case 'trust':
      if (rest[0] === 'keygen') return runTrustKeygen(rest[1])
      if (rest[0] === 'sign') return runTrustSign(values.root, rest[1])
      usageError('usage: trust keygen <file> | trust sign --root <file> <issuers.yaml>')
    // falls through: usageError never returns
    case 'secret':
      return runSecret(rest[0])
    case 'cloud':
      return cloudCommand(rest, values)
    case 'payments':
      if (rest[0] !== 'reconcile' || rest.length !== 1)
        usageError('usage: payments reconcile --provider alipay|wechat --file <bill> --date <YYYY-MM-DD>')
      return runReconcile(loadConfigOrExit(configPath), {
        provider: values.provider,
        file: values.file,
        date: values.date,
        json: values.json,
      })
    case 'sim':
      if (rest[0] !== 'printer') usageError('usage: sim printer [--port 9100 | --pty <path>]')
      return runSimPrinter(values.port, values.pty)
    default:
      usageError(`unknown command "${command}"`)
  }
}

type Values = Record<string, string | boolean | undefined>

/** `cloud` [send | report <name> | enroll]: the reference cloud's commands. */
function cloudCommand(rest: string[], v: Values): Promise<number> {
  const str = (k: string) => v[k] as string | undefined
  const auth = {
    ca: str('ca'),
    cert: str('cert'),
    key: str('key'),
    username: str('username'),
    passwordFile: str('password-file'),
  }
  const pg = { db: str('db'), timeZone: str('time-zone') }
  const [sub, ...args] = rest
  if (sub === 'report') {
    if (args.length !== 1)
      usageError('usage: cloud report <name> --db postgres://… --from <YYYY-MM-DD> --to <YYYY-MM-DD>')
    return runCloudReport(args[0], {
      ...pg,
      from: str('from'),
      to: str('to'),
      store: str('store'),
      funder: str('funder'),
      honourer: str('honourer'),
      csv: v.csv as boolean | undefined,
      json: v.json as boolean | undefined,
    })
  }
  if (sub === 'enroll') {
    if (args.length > 0)
      usageError('usage: cloud enroll --db postgres://… --store <id>[,<id>…] [--merchant <id>] [--name <text>]')
    return runCloudEnroll({ ...pg, store: str('store'), merchant: str('merchant'), name: str('name') })
  }
  if (sub === 'send') {
    if (args.length > 0) usageError(`usage: cloud send --broker <url> … (got ${rest.join(' ')})`)
    return runCloud({
      send: true,
      broker: str('broker'),
      store: str('store'),
      type: str('type'),
      file: str('file'),
      id: str('id'),
      ...auth,
    })
  }
  if (sub !== undefined) usageError(`usage: cloud [send | report <name> | enroll] … (got ${rest.join(' ')})`)
  return runCloud({
    ...pg,
    broker: str('broker'),
    anyStore: v['any-store'] as boolean | undefined,
    http: str('http'),
    httpTokenFile: str('http-token-file'),
    shared: v.shared as boolean | undefined,
    id: str('id'),
    summaryEvery: str('summary-every'),
    sessionExpiry: str('session-expiry'),
    ...auth,
  })
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (err: unknown) => {
    process.stderr.write(`tillside: ${(err as Error).stack ?? String(err)}\n`)
    process.exit(1)
  },
)
