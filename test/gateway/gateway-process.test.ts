/**
 * The whole gateway as a store runs it: `tillside start` as a process, a serial scanner
 * on a real pty, HTTP status, graceful SIGTERM, then `tillside backup` and `doctor`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { MIGRATIONS } from '../../gateway/store/migrations.js'
import { requireProgram } from '../helpers/system.js'
import { PtyPair } from '../helpers/socat.js'
import { tempDir } from '../helpers/tmp.js'
import { runCli, startGatewayProcess } from '../helpers/cli.js'
import { waitFor } from '../helpers/wait.js'

const haveSocat = requireProgram('socat', 'gateway process tests')

interface Status {
  journal: { state: string; lastSeq: number }
  devices: { id: string; state: string; scans: number; rejected: number }[]
}

describe('tillside CLI', () => {
  let tmp: ReturnType<typeof tempDir>
  beforeEach(() => (tmp = tempDir()))
  afterEach(() => tmp.cleanup())

  it('refuses an invalid config with every problem as "path: message" and exit code 2', async () => {
    const file = join(tmp.dir, 'bad.yaml')
    writeFileSync(file, 'store: { id: s, name: S }\nhttp: { port: "eighty" }\ndevices: [{ id: X, kind: scanner }]\n')
    const r = await runCli(['start', '--config', file])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('http.port: must be integer')
    expect(r.stderr).toContain('devices[0].id: must match pattern')
    expect(r.stderr).toContain('devices[0].role: is required')
    const d = await runCli(['doctor'], { TILLSIDE_CONFIG: file })
    expect(d.code).toBe(2)
    expect(d.stdout).toContain('http.port: must be integer')
  })

  it('prints help and rejects unknown commands with exit code 2', async () => {
    const help = await runCli(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/Usage: tillside <command>[\s\S]*doctor[\s\S]*backup <file.tar.gz>/)
    const bad = await runCli(['fly'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('unknown command "fly"')
  })

  it.skipIf(!haveSocat)(
    'journals a pty scan, shows it on /api/status, stops cleanly on SIGTERM, backs up',
    async () => {
      const pty = new PtyPair(join(tmp.dir, 'scanner'), join(tmp.dir, 'host'))
      await pty.start()
      const config = join(tmp.dir, 'store.yaml')
      writeFileSync(
        config,
        `store: { id: shop-b, name: Shop B }
dataDir: ${join(tmp.dir, 'data')}
dev: true
http: { host: 127.0.0.1, port: 0 }
devices:
  - id: till-scanner
    kind: scanner
    role: till
    symbologyIds: aim
    transport: { type: serial, path: ${pty.devicePath}, baudRate: 115200 }
  - id: sim
    kind: scanner
    role: till
    transport: { type: simulator }
`,
      )
      const { child, address, logs } = await startGatewayProcess(config)
      try {
        const status = () => fetch(`${address}/api/status`).then((r) => r.json() as Promise<Status>)
        expect(await fetch(`${address}/healthz`).then((r) => r.status)).toBe(200)
        await waitFor(async () => (await status()).devices[0]!.state === 'online', 'scanner online')
        await pty.write(']Q1TS1:E2E-VOUCHER\r')
        await pty.write('\x00\x01\x02\r')
        const s = await waitFor(async () => {
          const st = await status()
          return st.devices[0]!.scans === 1 && st.devices[0]!.rejected === 1 ? st : null
        }, 'scan counted')
        // The till handled it: not a well-formed voucher, so a voucher.rejected follows the scan.
        await waitFor(async () => (await status()).journal.lastSeq === 2, 'till outcome journaled')
        expect(s.devices[0]!.scans).toBe(1)
        const sim = await fetch(`${address}/api/dev/scan`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ device: 'sim', data: '4006381333931' }),
        })
        expect(sim.status).toBe(201)
        expect(await sim.json()).toMatchObject({ seq: 3, deviceId: 'sim', data: '4006381333931' })
        const wrong = await fetch(`${address}/api/dev/scan`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ device: 'till-scanner', data: 'x' }),
        })
        expect([wrong.status, ((await wrong.json()) as { error: string }).error]).toEqual([409, 'not_simulator'])
        const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
        child.kill('SIGTERM')
        expect(await exited).toBe(0)
        expect(logs.some((l) => l.includes('"gateway stopped"'))).toBe(true)
        expect(
          logs.some((l) => l.includes('"scanner input rejected"') && l.includes('"deviceId":"till-scanner"')),
        ).toBe(true)
      } finally {
        child.kill('SIGKILL')
        await pty.stop()
      }
      const db = new Database(join(tmp.dir, 'data', 'tillside.db'), { readonly: true })
      const rows = db.prepare('SELECT seq, type, device, payload FROM events ORDER BY seq').all() as {
        payload: string
      }[]
      db.close()
      expect(rows).toEqual([
        {
          seq: 1,
          type: 'scan',
          device: 'till-scanner',
          payload: JSON.stringify({ data: 'TS1:E2E-VOUCHER', symbology: 'qr', aimId: ']Q1', role: 'till' }),
        },
        { seq: 2, type: 'voucher.rejected', device: 'till-scanner', payload: expect.any(String) },
        {
          seq: 3,
          type: 'scan',
          device: 'sim',
          payload: JSON.stringify({ data: '4006381333931', symbology: null, aimId: null, role: 'till' }),
        },
      ])
      expect(JSON.parse(rows[1]!.payload)).toMatchObject({ reason: 'malformed' })
      const backup = await runCli(['backup', join(tmp.dir, 'copy.db'), '--config', config])
      expect(backup.code).toBe(0)
      expect(backup.stdout).toContain('(3 events, integrity ok)')
      const doctor = await runCli(['doctor', '--config', config])
      expect(doctor.stdout).toContain(`integrity ok, schema v${MIGRATIONS.at(-1)!.version}, 3 events, last seq 3`)
      expect(doctor.stdout).toMatch(/✗ device till-scanner \(serial, till\): .* not found/)
      expect(doctor.code).toBe(1)
    },
  )
})
