/**
 * The downlink commands, one small function each. Lists (campaigns, revocations, trust
 * list, prize lease) are validated whole and replace the old one only when newer; the config patch is
 * validated against the config schema as a whole and applies at the next start.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Config } from '../../config/schema.js'
import { ConfigError, parseConfig } from '../../config/load.js'
import { CONFIG_PATCH_FILE, mergePatch, unsafeKey, type Json } from '../../config/merge-patch.js'
import { DocumentError } from '../../config/problems.js'
import { ListVersionError, type VoucherAuthority } from '../vouchers/voucher-authority.js'
import { TrustListError } from '../vouchers/trust-list.js'
import { PrintError, type PrintService } from '../print/print-service.js'
import { testPage } from '../print/templates.js'
import type { KioskService } from '../kiosk/kiosk-service.js'
import { CommandRejected, type CommandHandlers } from '../../sync/commands/command-types.js'
import { parsePipeSummary } from '../../sync/pipe-summary.js'
import { CARD_CANCEL, parseCardCancel } from '../../sync/card-contract.js'
import type { ChainHome } from '../cards/chain-home.js'
import type { PipeDepartures } from '../admin/pipe-departures.js'
import { MessageError, type MessageService } from '../messages/message-service.js'
import { MESSAGE, parseCloudMessage } from '../../sync/message-contract.js'
import { DOUBLE_USE, parseDoubleUse } from '../../sync/double-use-contract.js'
import type { DoubleUses } from '../admin/double-uses.js'

export interface HandlerDeps {
  config: Config
  authority: VoucherAuthority
  print: Pick<PrintService, 'enqueue' | 'profileOf'>
  /** Publishes the store's birth and every device's status again. */
  reannounce: () => void
  kiosk: Pick<KioskService, 'replaceLease'>
  /** Where the pipe's departures from the cloud are kept. */
  departures: Pick<PipeDepartures, 'save'>
  /** Vouchers the cloud found used beyond their uses here and at another store. */
  doubleUses: Pick<DoubleUses, 'save'>
  /** This store's member cards, paid from at the merchant's other stores. */
  chainHome: Pick<ChainHome, 'cancel'>
  /** Messages the cloud composed for the chain's stores, each sent to this store's followers. */
  messages: Pick<MessageService, 'compose'>
}

/** Known errors of the domain become refusals with their own code; anything else is a failure. */
async function refusing<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof DocumentError) throw new CommandRejected('invalid', err.message)
    if (err instanceof ListVersionError || err instanceof TrustListError)
      throw new CommandRejected(err.code, err.message)
    if (err instanceof PrintError) throw new CommandRejected(err.code, err.message)
    throw err
  }
}

const object = (body: unknown, what: string): Record<string, unknown> => {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new CommandRejected('invalid', `${what}: body must be a JSON object`)
  return body as Record<string, unknown>
}

export function commandHandlers(deps: HandlerDeps): CommandHandlers {
  const { authority, config } = deps
  return {
    campaigns: async (body) => {
      const count = await refusing(() => authority.replaceCampaigns(object(body, 'campaigns')))
      return `${count} campaign(s), version ${authority.campaignsVersion}`
    },
    revocations: async (body) =>
      `version ${(await refusing(() => authority.replaceRevocations(object(body, 'revocations')))).version}`,
    'trust-list': async (body) => {
      const list = await refusing(() => authority.replaceTrustList(object(body, 'trust-list')))
      return `version ${list.version}, ${list.size} issuer(s)`
    },
    'prize-inventory': async (body) => {
      const lease = await refusing(() => deps.kiosk.replaceLease(object(body, 'prize-inventory')))
      if (!lease.applied)
        throw new CommandRejected('stale_version', `lease version ${lease.current} is in force; send a newer one`)
      return `${lease.prizes} prize(s) leased`
    },
    'config-patch': (body) => {
      const patch = object(object(body, 'config-patch').patch, 'config-patch.patch') as Record<string, Json>
      const unsafe = unsafeKey(patch)
      if (unsafe) throw new CommandRejected('forbidden_key', `${unsafe}: a key that would reach the config's prototype`)
      // Where the data lives and whose store this is are the installer's to change.
      if ('dataDir' in patch) throw new CommandRejected('forbidden_key', 'dataDir cannot be changed remotely')
      if (typeof patch.store === 'object' && patch.store !== null && 'id' in patch.store)
        throw new CommandRejected('forbidden_key', 'store.id cannot be changed remotely')
      const file = join(config.dataDir, CONFIG_PATCH_FILE)
      const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Json) : {}
      try {
        parseConfig(JSON.stringify(mergePatch(config as unknown as Json, patch)), 'config patch')
      } catch (err) {
        if (err instanceof ConfigError)
          throw new CommandRejected('invalid_config', err.problems.map((p) => `${p.path}: ${p.message}`).join('; '))
        throw err
      }
      writeFileSync(`${file}.tmp`, JSON.stringify(mergePatch(stored, patch), null, 2))
      renameSync(`${file}.tmp`, file)
      return 'saved; applies at the next start'
    },
    'print-test-page': async (body, { id }) => {
      const printer = object(body, 'print-test-page').printer
      if (typeof printer !== 'string')
        throw new CommandRejected('invalid', 'print-test-page: body.printer (a printer id) is required')
      const job = await refusing(() =>
        deps.print.enqueue(
          printer,
          testPage(printer, deps.print.profileOf(printer), config.store.name),
          'test_page',
          `cmd:${id}`,
        ),
      )
      return `print job ${job.jobId}`
    },
    'pipe-summary': async (body) => {
      const summary = parsePipeSummary(body) // a ContractError is refused as malformed
      const at = Date.parse(summary.at)
      if (!(await deps.departures.save({ at, windows: summary.windows })))
        throw new CommandRejected('stale', `a count newer than ${summary.at} is kept already`)
      const used = summary.windows.reduce(
        (n, w) =>
          Math.max(
            n,
            w.rows.reduce((m, r) => m + r.used, 0),
          ),
        0,
      )
      return `${used} voucher(s) used at partners in ${Math.max(0, ...summary.windows.map((w) => w.days))} days, as of ${summary.at}`
    },
    // A voucher used beyond its uses here and elsewhere (a ContractError is malformed).
    [DOUBLE_USE]: async (body) => {
      const notice = parseDoubleUse(body)
      if (!(await deps.doubleUses.save(notice)))
        throw new CommandRejected('stale', `a notice newer than ${notice.detectedAt} is kept already`)
      const here = notice.uses.filter((u) => u.store === config.store.id).length
      return `voucher ${notice.voucherKey}: ${notice.uses.length} redemption(s), ${here} here`
    },
    reannounce: () => {
      deps.reannounce()
      return 'status and devices published again'
    },
    // A card payment at another store that store gave up waiting for: put back (a ContractError is malformed).
    [CARD_CANCEL]: (body) => deps.chainHome.cancel(parseCardCancel(body)),
    // A chain's message from the cloud, sent to this store's followers under the cloud's id.
    [MESSAGE]: async (body) => {
      const { id, ...input } = parseCloudMessage(body)
      try {
        const r = await deps.messages.compose(input, 'cloud', { messageId: id })
        return r.repeated
          ? `message ${id} was composed already`
          : `message ${id}: ${r.audience.reach} member(s) to reach`
      } catch (err) {
        if (err instanceof MessageError) throw new CommandRejected(err.code, err.message)
        throw err
      }
    },
  }
}
