/**
 * Voucher and key commands for staff, operators and tests:
 *   voucher issue --campaign <id> [--member <id>]   issue here and print the code
 *   keys show                                       this gateway's issuer public key (to enrol)
 *   trust keygen <file>                             operator: create the root key pair
 *   trust sign --root <file> <issuers.yaml>         operator: print a signed trust list
 *   secret pin | secret token                       hashes for the config file
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import type { Config } from '../../config/schema.js'
import { createRootLogger, moduleLogger } from '../log.js'
import { Journal } from '../store/journal.js'
import { databasePath } from '../runtime/gateway.js'
import { VoucherAuthority, ISSUER_KEY_FILE } from '../vouchers/voucher-authority.js'
import { VoucherError, VoucherService } from '../vouchers/voucher-service.js'
import { loadOrCreateKeyPair, readPrivateKeyFile } from '../vouchers/keys.js'
import { signTrustList, TRUST_LIST_FORMAT, TRUST_LIST_FORMAT_V1, TrustListBodySchema } from '../vouchers/trust-list.js'
import { documentValidator } from '../../config/problems.js'
import { generateToken, hashPin, hashToken, hashPassword } from '../auth/secrets.js'

const out = (s: string) => process.stdout.write(`${s}\n`)
const err = (s: string) => process.stderr.write(`${s}\n`)

/** Issues through the same journal and service as the gateway (the database allows a second writer process). */
export async function runVoucherIssue(
  config: Config,
  campaign: string | undefined,
  member: string | undefined,
): Promise<number> {
  const campaignId = Number(campaign)
  if (!campaign || !Number.isInteger(campaignId) || campaignId < 1 || campaignId > 65535) {
    err('tillside voucher issue: --campaign <id> is required (1..65535)')
    return 2
  }
  // Quiet by default: the code goes to stdout, one line on stderr; warnings and errors still show.
  const log = createRootLogger(config.log.level === 'info' ? 'warn' : config.log.level, process.stderr)
  const journal = new Journal(databasePath(config), moduleLogger(log, 'gateway:journal'))
  await journal.start()
  try {
    const authority = VoucherAuthority.load(config, moduleLogger(log, 'gateway:vouchers'))
    const service = new VoucherService(authority, journal, { voidWindowMs: 0 }, moduleLogger(log, 'gateway:vouchers'))
    const v = await service.issue({ campaignId, memberId: member ?? null, channel: 'cli' })
    out(v.code)
    err(`issued ${v.key} (${v.campaign.name.en}), expires ${new Date(v.expiresAt).toISOString()}, journal seq ${v.seq}`)
    return 0
  } catch (e) {
    if (e instanceof VoucherError) {
      err(`tillside voucher issue: ${e.code}: ${e.message}`)
      return 1
    }
    throw e
  } finally {
    await journal.stop()
  }
}

export function runKeysShow(config: Config): number {
  const keys = loadOrCreateKeyPair(join(config.dataDir, ISSUER_KEY_FILE))
  out(`issuer public key: ${keys.publicKeyText}`)
  out(
    `trust list entry:  { kid: <free kid>, store: ${config.store.id}, storeName: ${JSON.stringify(config.store.name)}, merchant: ${config.store.merchant ?? '<merchant>'}${config.store.merchantName ? `, merchantName: ${JSON.stringify(config.store.merchantName)}` : ''}, publicKey: ${keys.publicKeyText} }`,
  )
  return 0
}

export function runTrustKeygen(file: string | undefined): number {
  if (!file) {
    err('tillside trust keygen: give the file for the root private key')
    return 2
  }
  const keys = loadOrCreateKeyPair(file)
  if (!keys.created) err(`${file} already exists; showing its public key`)
  out(`root public key (vouchers.rootPublicKey): ${keys.publicKeyText}`)
  return 0
}

const validateBody = documentValidator(TrustListBodySchema, 'issuers file')

export function runTrustSign(rootFile: string | undefined, issuersFile: string | undefined): number {
  if (!rootFile || !issuersFile) {
    err(
      'tillside trust sign: usage: trust sign --root <root.key> <issuers.yaml>   (issuers.yaml: { version, issuers: [...] })',
    )
    return 2
  }
  const root = readPrivateKeyFile(rootFile)
  const doc = parseYaml(readFileSync(issuersFile, 'utf8')) as Record<string, unknown>
  // Format 1 while no issuer is named: older gateways in the chain read it.
  const named = ((doc.issuers ?? []) as Record<string, unknown>[]).some?.((i) => i?.storeName || i?.merchantName)
  const format = named ? TRUST_LIST_FORMAT : TRUST_LIST_FORMAT_V1
  const body = validateBody({ format, issuedAt: new Date().toISOString(), ...doc })
  out(JSON.stringify(signTrustList(body, root.privateKey), null, 2))
  return 0
}

export async function runSecret(kind: string | undefined): Promise<number> {
  if (kind === 'token') {
    const token = generateToken()
    out(`token (give to the POS):          ${token}`)
    out(`tokenHash (till.posTokens[].tokenHash): ${hashToken(token)}`)
    return 0
  }
  // From stdin, so the secret stays out of shell history and `ps`. A PIN is trimmed; a
  // password loses only the newline `echo` adds (its own spaces are part of it).
  const hashers: Record<string, [(text: string) => string, (secret: string) => Promise<string>]> = {
    pin: [(text) => text.trim(), hashPin],
    password: [(text) => text.replace(/\r?\n$/, ''), hashPassword],
  }
  const hasher = kind ? hashers[kind] : undefined
  if (hasher) {
    try {
      out(await hasher[1](hasher[0](readFileSync(0, 'utf8'))))
      return 0
    } catch (e) {
      err(`tillside secret ${kind}: ${(e as Error).message}`)
      return 2
    }
  }
  err('tillside secret: "secret pin" (PIN on stdin), "secret password" (password on stdin) or "secret token"')
  return 2
}
