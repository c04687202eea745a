/**
 * `tillside doctor` checks what `start` needs, each failure with what to do: a printer that
 * is not there or does not answer, a campaigns file that does not parse, a trust list not
 * signed by the configured root, a broker that cannot be reached (a warning: the store
 * works offline), and passes what is right.
 */
import { describe, expect, it } from 'vitest'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateKeyPair } from '../../gateway/vouchers/keys.js'
import { signTrustList, TRUST_LIST_FORMAT } from '../../gateway/vouchers/trust-list.js'
import { freePort } from '../../scripts/bench/gateway-process.js'
import { runCli } from '../helpers/cli.js'
import { tempDir } from '../helpers/tmp.js'

describe('tillside doctor', () => {
  it('names each problem start would meet, and what to do', async () => {
    const tmp = tempDir()
    try {
      const ours = generateKeyPair()
      const theirs = generateKeyPair()
      const body = {
        format: TRUST_LIST_FORMAT as typeof TRUST_LIST_FORMAT,
        version: 3,
        issuedAt: new Date().toISOString(),
        issuers: [],
      }
      writeFileSync(join(tmp.dir, 'trust.json'), JSON.stringify(signTrustList(body, theirs.privateKey)))
      writeFileSync(join(tmp.dir, 'campaigns.yaml'), 'campaigns: [{ id: nope }]\n')
      const closed = await freePort()
      writeFileSync(
        join(tmp.dir, 'store.yaml'),
        `version: 2\nstore: { id: shop-d, name: Shop D }
dataDir: data
http: { host: 127.0.0.1, port: ${await freePort()} }
printers:
  - { id: p1, name: Till printer, role: till, transport: { type: usb, path: ${join(tmp.dir, 'no-lp0')} } }
  - { id: p2, name: Kitchen printer, role: kiosk, transport: { type: tcp, host: 127.0.0.1, port: ${closed} } }
vouchers: { rootPublicKey: ${ours.publicKeyText}, trustListFile: trust.json, campaignsFile: campaigns.yaml }
sync: { broker: 'mqtt://127.0.0.1:${closed}' }
`,
      )
      const r = await runCli(['doctor', '--config', join(tmp.dir, 'store.yaml')])
      expect(r.code).toBe(1)
      const line = (start: string) => r.stdout.split('\n').find((l) => l.includes(start)) ?? `(no line with ${start})`
      expect(line('printer Till printer')).toMatch(
        /^✗ .*no-lp0 is not there: plugged in\? \(tillside devices lists what is\)/,
      )
      expect(line('printer Kitchen printer')).toMatch(
        /^✗ .*cannot be reached \(ECONNREFUSED\): is it on and on the network\?/,
      )
      expect(line('campaigns')).toMatch(/^✗ campaigns .*campaigns\.yaml: /)
      expect(line('trust list')).toMatch(
        /^✗ trust list .*trust\.json: trust list version 3 is not signed by the configured root key \(ask your operator/,
      )
      expect(line('broker')).toMatch(
        /^! broker 127\.0\.0\.1:\d+: cannot be reached now \(ECONNREFUSED\); the gateway works offline/,
      )
      expect(line('disk of')).toMatch(/^✓ disk of .*GB free/)
      expect(r.stdout).toMatch(/doctor: 4 problem\(s\)\n$/)
    } finally {
      tmp.cleanup()
    }
  }, 60_000)
})
