/**
 * payment.charge (issue #21): the gateway's own cost of a payment-code charge against a
 * local provider — Alipay played over HTTPS by scripts/fake-alipay.ts in its own process,
 * answering after a simulated 20 ms — through the whole protocol: the attempt journaled before the call,
 * the request signed (RSA2), the answer verified, the outcome journaled (two durable
 * transactions). Side by side, sample for sample: the same HTTPS call to the same
 * provider with a request signed once beforehand and the answer taken unverified and
 * unrecorded. The overhead is the difference of each pair. Goal: p99 ≤ 5 ms.
 */
import { execFileSync, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Journal } from '../../gateway/store/journal.js'
import { silentLogger } from '../../gateway/log.js'
import { PosService } from '../../gateway/payments/pos-service.js'
import { AlipayProvider } from '../../gateway/payments/alipay/alipay-provider.js'
import { signParams } from '../../gateway/payments/alipay/alipay-sign.js'
import { post } from '../../gateway/payments/psp-http.js'
import { percentile, report, round } from './report.js'

const SAMPLES = Number(process.env.TILLSIDE_BENCH_PAYMENT_SAMPLES ?? 600)
const WARMUP = 20
const LATENCY_MS = 20
const FAKE = fileURLToPath(new URL('../fake-alipay-process.js', import.meta.url))

export async function benchPaymentCharge(dir: string): Promise<void> {
  const cert = join(dir, 'server.crt')
  const key = join(dir, 'server.key')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  )
  const tls = { cert: readFileSync(cert), key: readFileSync(key) }
  const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const merchantKey = join(dir, 'merchant.pub.pem')
  writeFileSync(merchantKey, merchant.publicKey.export({ type: 'spki', format: 'pem' }))
  const fake = spawn(process.execPath, [FAKE, cert, key, merchantKey, String(LATENCY_MS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const ready = await new Promise<{ url: string; publicKey: string }>((resolve, reject) => {
    const lines = createInterface({ input: fake.stdout! })
    lines.once('line', (l) => {
      lines.close()
      resolve(JSON.parse(l) as { url: string; publicKey: string })
    })
    fake.once('exit', (code) => reject(new Error(`the fake Alipay exited (${code})`)))
  })
  const alipay = { url: ready.url, publicKey: createPublicKey(ready.publicKey) }
  const journal = new Journal(join(dir, 'bench.db'), silentLogger())
  await journal.start()
  const provider = new AlipayProvider({
    appId: '2021000000000001',
    gatewayUrl: alipay.url,
    privateKey: merchant.privateKey,
    alipayPublicKey: alipay.publicKey,
    subject: 'Bench',
    timeoutMs: 5_000,
    ca: tls.cert.toString(),
  })
  const pos = new PosService(
    journal,
    provider,
    { confirmWithinMs: 45_000, queryEveryMs: 2_000, answerWithinMs: 20_000, cancelRetryMaxMs: 60_000 },
    silentLogger(),
  )
  await pos.protocol.start()
  // The baseline's request: signed once, before the clock starts.
  const params: Record<string, string> = {
    app_id: '2021000000000001',
    method: 'alipay.trade.pay',
    format: 'JSON',
    charset: 'utf-8',
    sign_type: 'RSA2',
    timestamp: '2026-12-03 12:00:00',
    version: '1.0',
    biz_content: JSON.stringify({
      out_trade_no: 'baseline',
      scene: 'bar_code',
      auth_code: '284761234567890123',
      subject: 'Bench',
      total_amount: '12.50',
    }),
  }
  params.sign = signParams(params, merchant.privateKey)
  const form = new URLSearchParams(params).toString()
  // The writer's own time per commit (its transaction and fsync): the disk's share of the overhead.
  const commits: number[] = []
  const unobserve = journal.observeCommits((ms) => commits.push(ms))
  try {
    const ours: number[] = []
    const bare: number[] = []
    const overhead: number[] = []
    for (let i = 0; i < SAMPLES + WARMUP; i++) {
      const t0 = performance.now()
      const r = await pos.charge('bench', {
        idempotencyKey: `bench-charge-${i}`,
        authCode: '284761234567890123',
        amount: 1250,
        currency: 'CNY',
      })
      const t1 = performance.now()
      await post(alipay.url, form, {
        contentType: 'application/x-www-form-urlencoded;charset=utf-8',
        timeoutMs: 5_000,
        ca: tls.cert,
      })
      const t2 = performance.now()
      if (r.status !== 'paid') throw new Error(`charge ${i}: ${r.status} ${r.detail}`)
      if (i < WARMUP) continue
      ours.push(t1 - t0)
      bare.push(t2 - t1)
      overhead.push(t1 - t0 - (t2 - t1))
    }
    commits.splice(0, WARMUP * 2)
    for (const list of [ours, bare, overhead, commits]) list.sort((a, b) => a - b)
    for (const p of [50, 99]) {
      report({
        bench: 'payment.charge',
        metric: `overhead_p${p}`,
        value: round(percentile(overhead, p)),
        unit: 'ms',
        baseline: `the same HTTPS call, presigned, unverified, unrecorded (provider latency ${LATENCY_MS} ms)`,
        baseline_value: round(percentile(bare, p)),
        charge_ms: round(percentile(ours, p)),
        samples: overhead.length,
      })
      report({
        bench: 'payment.charge',
        metric: `durable_commit_p${p}`,
        value: round(percentile(commits, p)),
        unit: 'ms',
        note: 'two per charge (written down before the provider is asked; its answer before the POS is told): the transaction and fsync in the writer',
        samples: commits.length,
      })
    }
  } finally {
    unobserve()
    await pos.protocol.stop()
    await journal.stop()
    fake.kill('SIGTERM')
  }
}
