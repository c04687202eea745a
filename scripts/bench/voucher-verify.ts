/**
 * voucher.verify: full offline checks (parse, trust list, Ed25519, revocation, campaign,
 * validity, store) per second on one core, for distinct codes. Baseline: bare
 * crypto.verify of the same signatures — OpenSSL's Ed25519 is the ceiling; the ratio
 * shows what our checks add. Also repeated codes through the signature cache (a
 * scanner re-reading a slip, a flood of one forged code).
 */
import { verify } from 'node:crypto'
import { generateKeyPair } from '../../gateway/vouchers/keys.js'
import { signTrustList, TrustList, TRUST_LIST_FORMAT } from '../../gateway/vouchers/trust-list.js'
import { CampaignCatalog, parseCampaigns } from '../../gateway/vouchers/campaigns.js'
import { RevocationList } from '../../gateway/vouchers/revocations.js'
import { checkVoucher, SignatureCache, type CheckContext } from '../../gateway/vouchers/verify.js'
import { hourFromMs, parseVoucherCode, signVoucher } from '../../gateway/vouchers/voucher-code.js'
import { report, round } from './report.js'

const CODES = 20_000
const RUNS = 7
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

export function benchVoucherVerify(): Promise<void> {
  const root = generateKeyPair()
  const issuer = generateKeyPair()
  const trust = TrustList.verify(
    signTrustList(
      {
        format: TRUST_LIST_FORMAT,
        version: 1,
        issuedAt: new Date().toISOString(),
        issuers: [{ kid: 1, store: 'a', merchant: 'm', publicKey: issuer.publicKeyText }],
      },
      root.privateKey,
    ),
    root.publicKey,
  )
  const campaigns = new CampaignCatalog(
    parseCampaigns({
      campaigns: [
        {
          id: 1,
          name: { en: 'x' },
          issuer: { merchant: 'm' },
          redeemableAt: { stores: ['a'] },
          value: { amount: 100, currency: 'CNY' },
          validFrom: '2020-01-01T00:00:00Z',
          validTo: '2099-01-01T00:00:00Z',
        },
      ],
    }),
  )
  const ctx: CheckContext = {
    trust,
    campaigns,
    revocations: RevocationList.parse({ version: 1, vouchers: ['1:1:999999'] }),
    store: { id: 'a', merchant: 'm' },
    now: Date.now(),
  }
  const expiresHour = hourFromMs(Date.now() + 86_400_000)
  const codes = Array.from({ length: CODES }, (_, i) =>
    signVoucher({ kid: 1, campaign: 1, serial: i + 1, expiresHour, memberTag: 0 }, issuer.privateKey),
  )
  const parsed = codes.map(parseVoucherCode)

  // Ours and the bare verify alternate, run after run; each side reports its median, so a
  // noisy neighbour hits both alike (one pair of runs swung the ratio 0.78–0.95).
  const oursRuns: number[] = []
  const bareRuns: number[] = []
  for (let run = 0; run < RUNS; run++) {
    oursRuns.push(
      time(() => {
        for (const code of codes) if (!checkVoucher(code, ctx).ok) throw new Error('bench code rejected')
      }),
    )
    bareRuns.push(
      time(() => {
        for (const p of parsed) if (!verify(null, p.message, issuer.publicKey, p.signature)) throw new Error('bad')
      }),
    )
  }
  const ours = median(oursRuns)
  const bare = median(bareRuns)
  const perSec = (ms: number) => Math.round((CODES / ms) * 1000)
  report({
    bench: 'voucher.verify',
    metric: 'distinct_codes_per_s',
    value: perSec(ours),
    unit: 'verifications/s',
    baseline: 'bare OpenSSL Ed25519 verify (ceiling)',
    baseline_value: perSec(bare),
    ratio: round(perSec(ours) / perSec(bare), 3),
    codes: CODES,
    runs: RUNS,
  })

  const signatures = new SignatureCache(1024)
  const repeated = codes.slice(0, 100)
  for (const code of repeated) checkVoucher(code, { ...ctx, signatures })
  const cached = time(() => {
    for (let i = 0; i < CODES; i++) checkVoucher(repeated[i % repeated.length]!, { ...ctx, signatures })
  })
  report({
    bench: 'voucher.verify',
    metric: 'repeated_codes_per_s',
    value: perSec(cached),
    unit: 'verifications/s',
    baseline: 'distinct codes',
    baseline_value: perSec(ours),
    ratio: round(perSec(cached) / perSec(ours), 1),
  })
  return Promise.resolve()
}

function time(fn: () => void): number {
  fn() // warm-up pass, so both sides run JIT-compiled
  const t0 = performance.now()
  fn()
  return performance.now() - t0
}
