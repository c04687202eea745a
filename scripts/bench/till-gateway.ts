/**
 * The benches' till gateway: a pty scanner, campaign 1 (this gateway issues and redeems its
 * own vouchers), a cashier with PIN 1234 and a POS token, written as a config and spawned as
 * the built `tillside start`. `extra` is merged into the config (e.g. card limits).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { hashPin, hashToken } from '../../gateway/auth/secrets.js'
import { freePort, spawnGateway } from './gateway-process.js'
import { ptyPair } from './pty.js'

export const BENCH_TOKEN = 'bench-pos-token'

const campaignsYaml = stringify({
  campaigns: [
    {
      id: 1,
      name: { en: 'Bench' },
      issuer: { merchant: 'm' },
      redeemableAt: { merchants: ['m'] },
      value: { amount: 100, currency: 'CNY' },
      validFrom: '2020-01-01T00:00:00Z',
      validTo: '2099-01-01T00:00:00Z',
    },
  ],
})

export async function startTillGateway(
  dir: string,
  extra: Record<string, unknown> = {},
  env: Record<string, string> = {},
): Promise<{
  gateway: Awaited<ReturnType<typeof spawnGateway>>
  base: string
  hostPath: string
  stopPty: () => void
}> {
  mkdirSync(dir, { recursive: true })
  const { devicePath, hostPath, stop: stopPty } = await ptyPair(dir)
  const campaignsFile = join(dir, 'campaigns.yaml')
  writeFileSync(campaignsFile, campaignsYaml)
  const port = await freePort()
  const configFile = join(dir, 'till.yaml')
  writeFileSync(
    configFile,
    stringify({
      store: { id: 'bench', name: 'Bench', merchant: 'm' },
      dataDir: join(dir, 'data'),
      dev: true, // local development trust list: this gateway issues and redeems its own vouchers
      http: { port },
      devices: [
        {
          id: 'till',
          kind: 'scanner',
          role: 'till',
          transport: { type: 'serial', path: devicePath, baudRate: 115200 },
        },
      ],
      vouchers: { campaignsFile },
      till: {
        cashiers: [{ id: 'bench', name: 'Bench', pinHash: await hashPin('1234') }],
        posTokens: [{ name: 'bench', tokenHash: hashToken(BENCH_TOKEN) }],
      },
      log: { level: 'warn' },
      ...extra,
    }),
  )
  const gateway = await spawnGateway(configFile, port, 20_000, env)
  return { gateway, base: `http://127.0.0.1:${port}`, hostPath, stopPty }
}
