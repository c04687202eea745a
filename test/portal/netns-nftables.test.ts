/**
 * The nftables controller for real: a client namespace behind a router namespace in
 * which the gateway runs (the built bundle) and owns the guest firewall, and an
 * "internet" namespace beyond. Before login the client's web requests land on the
 * portal and probes say captive; the till/admin listener is out of reach; after login
 * through the portal the same requests reach the internet; when the session ends the
 * kernel's timer makes the client captive again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { requireProgram } from '../helpers/system.js'
import { tempDir } from '../helpers/tmp.js'
import { makeChain } from '../helpers/vouchers.js'
import { startGatewayProcess } from '../helpers/cli.js'
import { waitFor } from '../helpers/wait.js'
import { INTERNET_SERVER, curl, makeTopology, type Topology } from '../helpers/netns.js'

const ready = requireProgram('nft', 'portal nftables') && requireProgram('curl', 'portal nftables')
const SESSION_SECONDS = 6

describe.skipIf(!ready)('portal with the nftables controller, in network namespaces', () => {
  const tmp = tempDir()
  let t: Topology
  let gateway: ChildProcess
  let portal: string

  beforeAll(async () => {
    t = makeTopology(61)
    const chain = await makeChain(tmp.dir, [{ id: 'shop-a', merchant: 'm-a' }])
    const config = {
      ...chain.stores.get('shop-a')!.config,
      http: { host: '0.0.0.0', port: 8080 },
      log: { level: 'info' },
      portal: {
        enabled: true,
        http: { host: '0.0.0.0', port: 8081 },
        session: { lengthMinutes: SESSION_SECONDS / 60, idleMinutes: 5 },
        guestNetworks: ['10.61.0.0/24'],
        controller: { type: 'nftables', interface: t.guestIf, table: 'tillside_test' },
      },
    }
    const file = join(tmp.dir, 'router.json')
    writeFileSync(file, JSON.stringify(config))
    const internet = t.spawnIn(t.internet, process.execPath, ['-e', INTERNET_SERVER])
    await new Promise((resolve) => internet.stdout!.once('data', resolve))
    gateway = (await startGatewayProcess(file, { bundle: true, netns: t.router })).child
    portal = `http://${t.routerIp}:8081`
  }, 60_000)
  afterAll(() => {
    gateway?.kill('SIGTERM')
    t?.destroy()
    tmp.cleanup()
  })

  const captive = async () => {
    const web = await curl(t, `http://${t.internetIp}/news`)
    expect(web.status).toBe(302)
    expect(web.location).toBe(`${portal}/portal`)
    const probe = await curl(t, `http://${t.internetIp}/generate_204`, ['-H', 'Host: connectivitycheck.gstatic.com'])
    expect(probe.status).toBe(302)
    const api = JSON.parse((await curl(t, `${portal}/api/captive`)).body) as { captive: boolean }
    expect(api.captive).toBe(true)
  }

  it('before login: web requests go to the portal, probes say captive, HTTPS is refused fast', async () => {
    await captive()
    const https = await t.exec(t.client, 'curl', ['-s', '-m', '3', `https://${t.internetIp}/`])
    expect(https.code).toBe(7) // connection refused (TCP reset), not a 3 s hang
  })

  it('the till and admin listener cannot be reached from the guest network', async () => {
    const admin = await curl(t, `http://${t.routerIp}:8080/api/kiosk/admin/stock`)
    expect(admin.ok).toBe(false) // dropped by the firewall: no answer at all
    const onPortal = await curl(t, `${portal}/api/pos/health`)
    expect(onPortal.status).toBe(302) // the guest listener has no such route
  })

  it('after login the internet is reachable and probes pass; when the session ends, captive again', async () => {
    const join = await curl(t, `${portal}/portal/join`, [
      '-H',
      'accept: application/json',
      '--data',
      'phone=13800138000&membership=yes',
    ])
    expect(join.status).toBe(200)
    const started = Date.now()
    expect(JSON.parse(join.body)).toMatchObject({ step: 'done', next: `${portal}/portal/welcome` })
    const web = await curl(t, `http://${t.internetIp}/news`)
    expect(web.status).toBe(200)
    expect(web.body).toBe('internet:/news')
    expect((await curl(t, `http://${t.internetIp}/generate_204`)).status).toBe(204)
    const listing = await t.exec(t.router, 'nft', ['list', 'set', 'inet', 'tillside_test', 'sessions'])
    expect(listing.stdout).toContain(`${t.clientIp} . ${t.clientMac}`)
    const api = JSON.parse((await curl(t, `${portal}/api/captive`)).body) as {
      captive: boolean
      'seconds-remaining': number
    }
    expect(api).toMatchObject({ captive: false })
    expect(api['seconds-remaining']).toBeLessThanOrEqual(SESSION_SECONDS)
    // The kernel drops the guest at the session's end; the gateway's sweep records it.
    await waitFor(
      async () => (await curl(t, `http://${t.internetIp}/news`)).status === 302 || null,
      'the session to end',
      20_000,
    )
    expect(Date.now() - started).toBeGreaterThanOrEqual(SESSION_SECONDS * 1000 - 1000)
    await captive()
  }, 40_000)
})
