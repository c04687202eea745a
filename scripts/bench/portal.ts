/**
 * portal.login: a guest's login submit → the guest authorised in the nftables sets (the
 * answer comes after `nft` has added it), timed from a client network namespace against
 * the built gateway running in a router namespace; 200 distinct guests (address + MAC).
 * portal.probe: captive-portal probe answers per second (/generate_204, keep-alive,
 * 32 connections) before and after login, against the built gateway.
 */
import { execFileSync, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CLI, GATEWAY_ENV, NODE_FLAGS, freePort, spawnGateway, stopGateway } from './gateway-process.js'
import { percentile, report, round } from './report.js'

const CAMPAIGNS = fileURLToPath(new URL('../../../config/campaigns.example.yaml', import.meta.url))
const GUESTS = 200
const base = (dir: string, port: number, portal: string) =>
  `store: { id: bench, name: Bench, merchant: demo-merchant }\ndev: true\ndataDir: ${join(dir, 'data')}\nhttp: { port: ${port} }\nlog: { level: warn }\nvouchers: { campaignsFile: ${CAMPAIGNS} }\n` +
  `portal: { enabled: true, limits: { loginsPerClientPerHour: 1000, loginsPerPhonePerHour: 1000 }, session: { devicesPerMember: 10 }, ${portal} }\n`

export async function benchPortalProbe(dir: string): Promise<void> {
  const [port, guestPort] = [await freePort(), await freePort()]
  // 32 connections from one address stand for many phones here (a real phone holds a few).
  writeFileSync(join(dir, 'probe.yaml'), base(dir, port, `http: { port: ${guestPort}, maxConnectionsPerAddress: 64 }`))
  const gateway = await spawnGateway(join(dir, 'probe.yaml'), port)
  try {
    const url = `http://127.0.0.1:${guestPort}`
    report({
      bench: 'portal.probe',
      metric: 'captive',
      value: round(await probeRate(guestPort, 302), 0),
      unit: 'answers/s',
      connections: 32,
    })
    await fetch(`${url}/portal/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'phone=13800138000&membership=yes',
      redirect: 'manual',
    })
    report({
      bench: 'portal.probe',
      metric: 'online',
      value: round(await probeRate(guestPort, 204), 0),
      unit: 'answers/s',
      connections: 32,
    })
  } finally {
    await stopGateway(gateway)
  }
}

/** Answers per second over 3 s (after 0.5 s of warm-up), every answer checked. */
async function probeRate(port: number, status: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 32 })
  let count = 0
  let counting = false
  const end = performance.now() + 3500
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const req = request({ port, path: '/generate_204', agent }, (res) => {
        res.resume()
        res.on('end', () =>
          res.statusCode === status ? resolve() : reject(new Error(`probe answered ${res.statusCode}`)),
        )
      })
      req.on('error', reject)
      req.end()
    })
  const loop = async () => {
    while (performance.now() < end) {
      await one()
      if (counting) count++
    }
  }
  setTimeout(() => (counting = true), 500)
  await Promise.all(Array.from({ length: 32 }, loop))
  agent.destroy()
  return count / 3
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'ignore' })

export async function benchPortalLogin(dir: string): Promise<void> {
  const id = process.pid.toString(36)
  const [client, router] = [`tsbc${id}`, `tsbr${id}`]
  ip('netns', 'add', client)
  ip('netns', 'add', router)
  try {
    ip('link', 'add', `bg${id}`, 'netns', router, 'type', 'veth', 'peer', 'name', 'c0', 'netns', client)
    ip('-n', router, 'addr', 'add', '10.63.0.1/16', 'dev', `bg${id}`)
    for (const [ns, dev] of [
      [router, `bg${id}`],
      [client, 'c0'],
      [router, 'lo'],
      [client, 'lo'],
    ])
      ip('-n', ns!, 'link', 'set', dev!, 'up')
    // One address per guest on the client's link: each login is a new (address, MAC) in the sets.
    const batch = Array.from(
      { length: GUESTS },
      (_, i) => `addr add 10.63.${1 + Math.floor(i / 250)}.${1 + (i % 250)}/16 dev c0`,
    ).join('\n')
    execFileSync('ip', ['-n', client, '-batch', '-'], { input: batch })
    writeFileSync(
      join(dir, 'login.yaml'),
      base(
        dir,
        8080,
        `http: { host: 10.63.0.1, port: 8081 }, controller: { type: nftables, interface: bg${id}, table: tillside_bench }`,
      ),
    )
    const gateway = spawn(
      'ip',
      ['netns', 'exec', router, process.execPath, ...NODE_FLAGS, CLI, 'start', '--config', join(dir, 'login.yaml')],
      { stdio: 'ignore', env: GATEWAY_ENV },
    )
    try {
      const loader = `
        const http = require('node:http')
        const post = (i) => new Promise((resolve, reject) => {
          const body = 'phone=1380000' + String(1000 + i) + '&membership=yes'
          const req = http.request({ host: '10.63.0.1', port: 8081, path: '/portal/join', method: 'POST', localAddress: '10.63.' + (1 + Math.floor(i / 250)) + '.' + (1 + (i % 250)),
            headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'content-length': body.length } }, (res) => {
            let text = ''; res.on('data', (d) => (text += d)); res.on('end', () => res.statusCode === 200 ? resolve() : reject(new Error(res.statusCode + ' ' + text)))
          })
          req.on('error', reject); req.end(body)
        })
        ;(async () => {
          for (let t = 0; ; t++) { try { await fetch('http://10.63.0.1:8081/api/captive'); break } catch { if (t > 400) throw new Error('portal never answered'); await new Promise((r) => setTimeout(r, 50)) } }
          const out = []
          for (let i = 0; i < ${GUESTS}; i++) { const t0 = performance.now(); await post(i); out.push(performance.now() - t0) }
          console.log(JSON.stringify(out))
        })().catch((e) => { console.error(e.message); process.exit(1) })`
      const out = execFileSync('ip', ['netns', 'exec', client, process.execPath, '-e', loader], { encoding: 'utf8' })
      const times = (JSON.parse(out) as number[]).slice(10).sort((a, b) => a - b)
      for (const p of [50, 99] as const)
        report({
          bench: 'portal.login',
          metric: `p${p}`,
          value: round(percentile(times, p), 2),
          unit: 'ms',
          samples: times.length,
          controller: 'nftables',
        })
    } finally {
      gateway.kill('SIGTERM')
      await new Promise((r) => gateway.once('exit', r))
    }
  } finally {
    ip('netns', 'del', client)
    ip('netns', 'del', router)
  }
}
