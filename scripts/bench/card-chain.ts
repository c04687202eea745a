/**
 * card.chain_debit (issue #17): paying from a member card at another store of the
 * merchant, as a POS sees it — POST /api/pos/cards/debit at the paying store's built
 * gateway → rpc to the reference cloud (`tillside cloud`) over a local Mosquitto → ask to
 * the home store's gateway, which verifies the QR and debits durably → the answer back,
 * journaled at the paying store. Side by side, sample for sample: the same payment at the
 * home store itself (no network), the baseline. Every process is a separate one.
 */
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { hashToken } from '../../gateway/auth/secrets.js'
import { Mosquitto } from '../mosquitto.js'
import { CLI, freePort, spawnGateway, stopGateway } from './gateway-process.js'
import { percentile, report, round } from './report.js'

const SAMPLES = Number(process.env.TILLSIDE_BENCH_CHAIN_SAMPLES ?? 300)
const WARMUP = 20
const TOKEN = 'bench-chain-token'

async function store(dir: string, id: string, broker: string) {
  const port = await freePort()
  const file = join(dir, `${id}.yaml`)
  writeFileSync(
    file,
    stringify({
      store: { id, name: `Bench ${id}`, merchant: 'bench-merchant' },
      dataDir: join(dir, id),
      dev: true,
      http: { port },
      sync: { broker, onlineCheckTimeoutMs: 3000 },
      cards: { maxBalance: 100_000_000, maxTopUp: 100_000_000, idCheckAbove: 100_000_000 },
      till: { posTokens: [{ name: 'bench', tokenHash: hashToken(TOKEN) }] },
      log: { level: 'warn' },
    }),
  )
  const base = `http://127.0.0.1:${port}`
  const call = async (path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    if (!res.ok) throw new Error(`${id} ${path}: ${res.status} ${await res.text()}`)
    return res.json() as Promise<Record<string, unknown>>
  }
  return { process: await spawnGateway(file, port), call }
}

export async function benchCardChain(dir: string): Promise<void> {
  const broker = new Mosquitto({ dir: join(dir, 'broker'), port: await freePort() })
  await broker.start()
  const cloud = spawn(process.execPath, [CLI, 'cloud', '--broker', broker.url, '--db', join(dir, 'cloud.db')], {
    stdio: 'ignore',
  })
  const home = await store(dir, 'home', broker.url)
  const away = await store(dir, 'away', broker.url)
  try {
    const runs = SAMPLES + WARMUP
    const { memberId } = (await home.call('/api/pos/members', {
      phone: '13800138000',
      consents: { membership: true },
    })) as { memberId: string }
    // Two payments of 100 a run, and a few while the cloud learns the member's home.
    await home.call('/api/pos/cards/topup', {
      idempotencyKey: 'bench-chain-topup',
      memberId,
      amount: 200 * runs + 10_000,
      payment: { method: 'cash' },
    })
    const pay = async (at: typeof home, key: string) => {
      const { code } = (await home.call(`/api/pos/members/${memberId}/code`)) as { code: string }
      const t0 = performance.now()
      await at.call('/api/pos/cards/debit', { idempotencyKey: key, memberCode: code, amount: 100 })
      return performance.now() - t0
    }
    // The cloud learns the member's home store once the home store's events reach it.
    const ready = performance.now()
    for (;;) {
      try {
        await pay(away, `bench-chain-ready-${Math.round(performance.now())}`)
        break
      } catch (err) {
        if (performance.now() - ready > 30_000) throw err
        await new Promise((r) => setTimeout(r, 200))
      }
    }
    const chain: number[] = []
    const local: number[] = []
    for (let i = 0; i < runs; i++) {
      const c = await pay(away, `bench-chain-${i}`)
      const l = await pay(home, `bench-local-${i}`)
      if (i < WARMUP) continue
      chain.push(c)
      local.push(l)
    }
    chain.sort((a, b) => a - b)
    local.sort((a, b) => a - b)
    for (const p of [50, 99]) {
      const value = percentile(chain, p)
      const baseline = percentile(local, p)
      report({
        bench: 'card.chain_debit',
        metric: `p${p}`,
        value: round(value),
        unit: 'ms',
        baseline: 'the same payment at the home store (POS API)',
        baseline_value: round(baseline),
        ratio: round(value / baseline),
        samples: chain.length,
      })
    }
  } finally {
    await stopGateway(away.process)
    await stopGateway(home.process)
    cloud.kill('SIGTERM')
    await broker.kill()
  }
}
