import { describe, expect, it } from 'vitest'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { tempDir } from '../helpers/tmp.js'
import { ConfigError, configNotes, loadConfigFile, parseConfig } from '../../config/load.js'
import { configJsonSchema } from '../../config/json-schema.js'
import { campaignsJsonSchema } from '../../gateway/vouchers/campaigns.js'
import { renderConfigReference } from '../../config/reference.js'
import { mergePatch, type Json } from '../../config/merge-patch.js'

function problems(yaml: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(yaml, 'test.yaml', env)
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`)
    throw err
  }
  return []
}

const minimal = 'store: { id: shop-a, name: Shop A }\n'

describe('config', () => {
  it('loads the shipped default and fills schema defaults', () => {
    const c = loadConfigFile('config/default.yaml', {})
    expect(c.store.id).toBe('demo-store')
    expect(c.http).toEqual({
      host: '127.0.0.1',
      port: 8080,
      requestTimeoutMs: 10_000,
      maxConnectionsPerAddress: 64,
      maxConnections: 512,
    })
    expect(c.devices[0]).toMatchObject({
      id: 'till-scanner',
      symbologyIds: 'none',
      transport: { type: 'simulator', stdin: true },
    })
    const m = parseConfig(minimal, 'x')
    expect(m).toMatchObject({
      dataDir: './data',
      dev: false,
      devices: [],
      log: { level: 'info' },
      reconnect: { initialMs: 500, maxMs: 30000 },
    })
  })

  it('fills serial defaults', () => {
    const c = parseConfig(
      `${minimal}devices: [{ id: s1, kind: scanner, role: till, transport: { type: serial, path: /dev/ttyACM0 } }]`,
      'x',
    )
    expect(c.devices[0]!.transport).toEqual({
      type: 'serial',
      path: '/dev/ttyACM0',
      baudRate: 9600,
      dataBits: 8,
      parity: 'none',
      stopBits: 1,
      framing: 'CR',
      idleGapMs: 50,
      maxFrameBytes: 4096,
      encoding: 'utf8',
    })
  })

  it('names the exact key of every problem', () => {
    const yaml = `
store: { id: "bad id!", name: Shop }
http: { port: 70000, hots: x }
devices:
  - { id: s1, kind: scanner, role: cashier, transport: { type: serial, baudRate: 10 } }
  - { id: s1, kind: scanner, role: till, transport: { type: bluetooth } }
`
    expect(problems(yaml)).toEqual([
      'store.id: must match pattern "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"',
      'http.hots: unknown key',
      'http.port: must be <= 65535',
      'devices[0].role: must be one of "till", "kiosk"',
      'devices[0].transport.path: is required',
      'devices[0].transport.baudRate: must be >= 50',
      'devices[1].transport.type: unknown type',
    ])
  })

  it('reports duplicate device ids and inverted backoff bounds', () => {
    const yaml = `${minimal}reconnect: { initialMs: 5000, maxMs: 1000 }
devices:
  - { id: s1, kind: scanner, role: till, transport: { type: simulator } }
  - { id: s1, kind: scanner, role: kiosk, transport: { type: simulator } }`
    expect(problems(yaml)).toEqual([
      'devices[1].id: duplicate id "s1" (also devices[0])',
      'reconnect.initialMs: must not exceed reconnect.maxMs',
    ])
  })

  it('checks the sync settings JSON Schema cannot: TLS only for mqtts, cert with key, backoff bounds', () => {
    const yaml = `${minimal}sync: { broker: 'mqtt://b:1883', tls: { cert: c.pem }, reconnect: { initialMs: 9000, maxMs: 100 } }`
    expect(problems(yaml)).toEqual([
      'sync.reconnect.initialMs: must not exceed sync.reconnect.maxMs',
      'sync.tls: only for mqtts:// brokers; sync.broker is mqtt://b:1883',
      'sync.tls: cert and key go together',
    ])
    expect(problems(`${minimal}sync: { broker: 'ftp://b' }`)).toEqual([
      'sync.broker: must match pattern "^(none|embedded|mqtts?://[^\\s]+)$"',
    ])
  })

  it('refuses scanner feedback commands for scanners that cannot take them, and bad hex', () => {
    const yaml = `${minimal}devices:
  - { id: s1, kind: scanner, role: till, transport: { type: simulator }, feedback: { goodRead: '07', badRead: '0707' } }
  - { id: s2, kind: scanner, role: till, transport: { type: serial, path: /dev/ttyACM0 }, feedback: { goodRead: 'xyz', badRead: '07' } }`
    expect(problems(yaml)).toEqual(['devices[1].feedback.goodRead: must match pattern "^([0-9a-fA-F]{2})+$"'])
    const onlyCross = `${minimal}devices:
  - { id: s1, kind: scanner, role: till, transport: { type: simulator }, feedback: { goodRead: '07', badRead: '0707' } }`
    expect(problems(onlyCross)).toEqual([
      'devices[0].feedback: only serial scanners take commands; this one is simulator',
    ])
  })

  it('applies TILLSIDE_* overrides and blames the variable when one is wrong', () => {
    const c = parseConfig(minimal, 'x', { TILLSIDE_HTTP_PORT: '9090', TILLSIDE_STORE_ID: 'shop-b', TILLSIDE_DEV: '1' })
    expect([c.http.port, c.store.id, c.dev]).toEqual([9090, 'shop-b', true])
    expect(problems(minimal, { TILLSIDE_HTTP_PORT: 'eighty' })).toEqual([
      'http.port: TILLSIDE_HTTP_PORT="eighty" is not an integer',
    ])
    expect(problems(minimal, { TILLSIDE_LOG_LEVEL: 'loud' })[0]).toMatch(
      /^log\.level: must be one of .* \(set by TILLSIDE_LOG_LEVEL\)$/,
    )
  })

  it("takes the store's colours only where people can still read the text", () => {
    const base = 'store: { id: a, name: A, brand: BRAND }'
    expect(parseConfig(base.replace('BRAND', '{}'), 'x').store.brand).toEqual({ primary: '#b3261e', accent: '#f2c14e' })
    expect(problems(base.replace('BRAND', '{ primary: "#0b5394" }'))).toEqual([])
    expect(problems(base.replace('BRAND', '{ primary: "#ffdd00" }'))).toEqual([
      'store.brand.primary: white text on #ffdd00 has contrast 1.3:1; pick a darker colour (at least 4.5:1)',
      'store.brand.accent: #ffdd00 titles on #f2c14e have contrast 1.2:1; make them further apart (at least 3:1)',
    ])
    expect(problems(base.replace('BRAND', '{ primary: "#0b5394", accent: "#1a1a1a" }'))).toEqual([
      'store.brand.accent: #0b5394 titles on #1a1a1a have contrast 2.2:1; make them further apart (at least 3:1)',
    ])
    expect(problems(base.replace('BRAND', '{ primary: red }'))[0]).toMatch(/^store\.brand\.primary: must match pattern/)
  })

  it("reads relative paths from the config file's folder, an environment override's from the shell's", () => {
    const tmp = tempDir()
    try {
      const dir = join(tmp.dir, 'etc', 'tillside')
      mkdirSync(dir, { recursive: true })
      writeFileSync(join(dir, 'campaigns.yaml'), 'campaigns: []\n')
      const file = join(dir, 'store.yaml')
      writeFileSync(
        file,
        `version: 2\n${minimal}dataDir: ../../var/lib/tillside\nvouchers: { campaignsFile: campaigns.yaml, trustListFile: /srv/trust.json }\n`,
      )
      const c = loadConfigFile(file, {})
      expect(c.dataDir).toBe(join(tmp.dir, 'var', 'lib', 'tillside'))
      expect(c.vouchers.campaignsFile).toBe(join(dir, 'campaigns.yaml'))
      expect(c.vouchers.trustListFile).toBe('/srv/trust.json')
      expect(loadConfigFile(file, { TILLSIDE_DATA_DIR: 'here' }).dataDir).toBe('here')
      expect(configNotes(c)).toEqual([])
      // The shipped default keeps `npm start`'s data in the checkout's ./data, from any directory.
      expect(loadConfigFile('config/default.yaml', {}).dataDir).toBe(resolve('data'))
      // A store's config from before version 2 keeps reading them from the working directory, and is told.
      const old = join(dir, 'old.yaml')
      writeFileSync(old, `${minimal}dataDir: data\nvouchers: { campaignsFile: config/campaigns.example.yaml }\n`)
      const o = loadConfigFile(old, {})
      expect(o.dataDir).toBe(resolve('data'))
      expect(o.vouchers.campaignsFile).toBe(resolve('config/campaigns.example.yaml'))
      expect(configNotes(o)).toEqual([
        expect.stringMatching(/^config version 1: relative paths .* Write `version: 2` at the top/),
      ])
      writeFileSync(old, `version: 3\n${minimal}`)
      expect(() => loadConfigFile(old, {})).toThrow(
        /version: 3 is a newer Tillside's config; this one reads up to version 2: upgrade Tillside/,
      )
    } finally {
      tmp.cleanup()
    }
  })

  it('explains unreadable files and broken YAML', () => {
    expect(() => loadConfigFile('/nonexistent.yaml', {})).toThrow(/\(file\): file not found/)
    expect(problems('store: [')[0]).toMatch(/^\(file\): not valid YAML/)
    expect(problems('- a list')).toEqual(['(file): must be a YAML mapping of keys'])
  })

  it('config/schema.json and docs/config.md are generated from the schema (run npm run gen:schema)', () => {
    expect(JSON.parse(readFileSync('config/schema.json', 'utf8'))).toEqual(configJsonSchema())
    expect(JSON.parse(readFileSync('config/campaigns.schema.json', 'utf8'))).toEqual(campaignsJsonSchema())
    expect(readFileSync('docs/config.md', 'utf8')).toBe(renderConfigReference())
  })

  it('merge patches never reach a prototype', () => {
    const patched = mergePatch(
      { store: { id: 'a' } },
      JSON.parse('{"__proto__":{"dataDir":"/tmp/x"},"store":{"constructor":{"prototype":{"p":1}},"name":"B"}}') as Json,
    ) as Record<string, unknown>
    expect(patched).toEqual({ store: { id: 'a', name: 'B' } })
    expect(Object.getPrototypeOf(patched)).toBe(Object.prototype)
    expect(patched.dataDir).toBeUndefined()
    expect(({} as Record<string, unknown>).p).toBeUndefined()
  })
})
