/**
 * The openNDS controller for real: Debian's openNDS runs in the router namespace with
 * Tillside (in the same namespace) as its FAS at level 1. The client's first web request
 * is sent to the portal with openNDS's query; joining there sends the browser to the
 * router's auth link (tok = sha256(hid + faskey)); openNDS lets it on with the session
 * length and rates Tillside set (through scripts/opennds/tillside-binauth.sh). Forged and
 * replayed queries are refused.
 *
 * openNDS 9 on Debian needs two shims here, both confined to its own process: its
 * helper scripts read /etc/opennds/opennds.conf and the dnsmasq leases whatever -c says
 * (bind-mounted in a private mount namespace), and its iptables calls clash with the
 * nft base chains it creates itself unless they go to iptables-legacy (a PATH shim).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { spawn, type ChildProcess } from 'node:child_process'
import { requireProgram } from '../helpers/system.js'
import { tempDir } from '../helpers/tmp.js'
import { makeChain } from '../helpers/vouchers.js'
import { startGatewayProcess } from '../helpers/cli.js'
import { waitFor } from '../helpers/wait.js'
import { INTERNET_SERVER, curl, makeTopology, type Topology } from '../helpers/netns.js'

const ready = ['opennds', 'ndsctl', 'iptables-legacy', 'unshare', 'curl'].every((p) =>
  requireProgram(p, 'portal openNDS'),
)
const FASKEY = 'tillsidetest123'
const BINAUTH = resolve('scripts/opennds/tillside-binauth.sh')

describe.skipIf(!ready)('portal as the FAS of a real openNDS, in network namespaces', () => {
  const tmp = tempDir()
  let t: Topology
  let gateway: ChildProcess
  let nds: ChildProcess
  let portal: string
  let ndsLog = ''

  beforeAll(async () => {
    t = makeTopology(62)
    portal = `http://${t.routerIp}:8081`
    const dir = tmp.dir
    mkdirSync(join(dir, 'bin'))
    mkdirSync(join(dir, 'misc'))
    writeFileSync(join(dir, 'bin', 'iptables'), '#!/bin/sh\nexec iptables-legacy "$@"\n')
    chmodSync(join(dir, 'bin', 'iptables'), 0o755)
    writeFileSync(
      join(dir, 'misc', 'dnsmasq.leases'),
      `${Math.floor(Date.now() / 1000) + 3600} ${t.clientMac} ${t.clientIp} phone *\n`,
    )
    writeFileSync(join(dir, 'faskey'), `${FASKEY}\n`, { mode: 0o600 })
    writeFileSync(
      join(dir, 'opennds.conf'),
      `GatewayInterface ${t.guestIf}\nGatewayName tillside-test\nGatewayPort 2050\nfasport 8081\nfasremoteip ${t.routerIp}\nfaspath /portal\nfas_secure_enabled 1\nfaskey ${FASKEY}\nbinauth ${BINAUTH}\nsessiontimeout 1440\n` +
        'FirewallRuleSet authenticated-users {\n}\nFirewallRuleSet preauthenticated-users {\n}\nFirewallRuleSet users-to-router {\n FirewallRule allow udp port 53\n FirewallRule allow tcp port 53\n FirewallRule allow udp port 67\n}\n',
    )
    const chain = await makeChain(dir, [{ id: 'shop-a', merchant: 'm-a' }])
    const config = {
      ...chain.stores.get('shop-a')!.config,
      log: { level: 'info' },
      portal: {
        enabled: true,
        http: { host: t.routerIp, port: 8081 },
        session: { lengthMinutes: 90 },
        controller: {
          type: 'opennds',
          faskeyFile: join(dir, 'faskey'),
          gatewayAddresses: [`${t.routerIp}:2050`],
          gatewayName: 'tillside-test',
          downloadRateKbit: 2048,
          uploadRateKbit: 512,
        },
      },
    }
    writeFileSync(join(dir, 'router.json'), JSON.stringify(config))
    const internet = t.spawnIn(t.internet, process.execPath, ['-e', INTERNET_SERVER])
    await new Promise((r) => internet.stdout!.once('data', r))
    gateway = (await startGatewayProcess(join(dir, 'router.json'), { bundle: true, netns: t.router })).child
    const script = `mount --bind ${dir}/opennds.conf /etc/opennds/opennds.conf && mount --bind ${dir}/misc /var/lib/misc && PATH=${dir}/bin:$PATH exec ip netns exec ${t.router} opennds -f -d 1 -c ${dir}/opennds.conf`
    nds = spawn('unshare', ['-m', 'sh', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] })
    nds.stdout!.on('data', (d: Buffer) => (ndsLog += d.toString()))
    nds.stderr!.on('data', (d: Buffer) => (ndsLog += d.toString()))
    await waitFor(
      async () => (await curl(t, `http://${t.internetIp}/generate_204`)).status === 307 || null,
      'openNDS to capture the client',
      30_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${ndsLog.slice(-2000)}`)
    })
  }, 90_000)
  afterAll(() => {
    nds?.kill('SIGTERM')
    gateway?.kill('SIGTERM')
    t?.destroy()
    tmp.cleanup()
  })

  let fasUrl = ''
  it('openNDS sends the captive client to the portal with its query; the portal verifies it', async () => {
    const probe = await curl(t, `http://${t.internetIp}/generate_204`)
    expect(probe.status).toBe(307)
    expect(probe.location.startsWith(`${portal}/portal?fas=`)).toBe(true)
    fasUrl = probe.location
    const page = await curl(t, fasUrl)
    expect(page.status).toBe(200)
    expect(page.body).toContain('name="fas"')
    // A query naming a router that is not ours (where the auth link would go) is refused.
    const fields = Buffer.from(new URL(fasUrl).searchParams.get('fas')!, 'base64')
      .toString()
      .replace(`gatewayaddress=${t.routerIp}:2050`, 'gatewayaddress=6.6.6.6:2050')
    const forged = await curl(t, `${portal}/portal?fas=${encodeURIComponent(Buffer.from(fields).toString('base64'))}`)
    expect(forged.status).toBe(400)
    expect(forged.body).toContain('6.6.6.6:2050')
    expect((await curl(t, `http://${t.internetIp}/news`)).status).toBe(307) // still captive
  })

  it('joining sends the browser to the router with tok; openNDS lets it on with our session length and rates', async () => {
    const fas = new URL(fasUrl).searchParams.get('fas')!
    const join = await curl(t, `${portal}/portal/join`, [
      '-H',
      'accept: application/json',
      '--data-urlencode',
      `fas=${fas}`,
      '--data',
      'phone=13800138000&membership=yes',
    ])
    expect(join.status).toBe(200)
    const { next } = JSON.parse(join.body) as { next: string }
    expect(next.startsWith(`http://${t.routerIp}:2050/opennds_auth/?tok=`)).toBe(true)
    const auth = await curl(t, next)
    expect(auth.status).toBe(307)
    expect(auth.location).toBe(`${portal}/portal/welcome`)
    const web = await curl(t, `http://${t.internetIp}/news`)
    expect(web.status).toBe(200)
    expect(web.body).toBe('internet:/news')
    const listing = await t.exec(t.router, 'ndsctl', ['json', t.clientMac])
    const client = JSON.parse(listing.stdout.slice(listing.stdout.indexOf('{'))) as Record<string, string>
    expect(client.state).toBe('Authenticated')
    expect(Number(client.session_end) - Number(client.session_start)).toBeGreaterThanOrEqual(90 * 60 - 5)
    expect(client.download_rate_limit_threshold).toBe('2048')
    expect(client.upload_rate_limit_threshold).toBe('512')
  })

  it('a replayed query is refused', async () => {
    const fas = new URL(fasUrl).searchParams.get('fas')!
    const again = await curl(t, `${portal}/portal/join`, [
      '-H',
      'accept: application/json',
      '--data-urlencode',
      `fas=${fas}`,
      '--data',
      'phone=13800138000&membership=yes',
    ])
    expect(again.status).toBe(409)
    expect(JSON.parse(again.body)).toMatchObject({ error: 'fas_used' })
  })
})
