/**
 * The composition root: builds every module of the gateway, in dependency order, each
 * handed what it needs through its constructor. Nothing here listens, opens a port or
 * writes the journal; `Gateway.start()` starts the modules. Called after the data-dir
 * lock is held, because the voucher and member keys it loads are created on first run.
 */
import { join, resolve } from 'node:path'
import type { Readable } from 'node:stream'
import type { Config } from '../../config/schema.js'
import { moduleLogger, type Logger } from '../log.js'
import { EventBus } from '../bus.js'
import { Journal } from '../store/journal.js'
import { IntegrityMonitor } from '../store/integrity-monitor.js'
import { ScanPipeline } from '../scan/scan-pipeline.js'
import { DeviceManager } from '../devices/device-manager.js'
import { buildApp } from '../http/app.js'
import { buildGuestApp } from '../http/portal/guest-app.js'
import { readStoreLogo } from '../../config/store-logo.js'
import { logoRaster } from '../print/logo-raster.js'
import { RollupReads } from '../store/read/rollup-reads.js'
import { AdminAuth } from '../admin/admin-auth.js'
import type { GatewayServices } from '../http/services.js'
import { serialportBinding } from '../../drivers/bindings/serial.js'
import { hidBindingFor, type ScannerBindings } from '../../drivers/scanner/create-scanner.js'
import { packageVersion } from '../version.js'
import { VoucherAuthority } from '../vouchers/voucher-authority.js'
import { VoucherService } from '../vouchers/voucher-service.js'
import { TillService, type TillResult } from '../till/till-service.js'
import { CashierSessions } from '../till/cashier-sessions.js'
import { redemptionSlip } from '../print/templates.js'
import { PrintService } from '../print/print-service.js'
import { MemberKeys } from '../members/member-keys.js'
import { MemberService } from '../members/member-service.js'
import { PosService } from '../payments/pos-service.js'
import { paymentProvider } from './payment-providers.js'
import { LinkSigner } from '../auth/signed-links.js'
import { SyncService } from '../../sync/sync-service.js'
import { commandHandlers } from './command-handlers.js'
import { KioskService } from '../kiosk/kiosk-service.js'
import { KioskAudit } from '../kiosk/kiosk-audit.js'
import { BackOffice } from '../admin/back-office.js'
import { PipeDepartures } from '../admin/pipe-departures.js'
import { DoubleUses } from '../admin/double-uses.js'
import { KioskScans } from '../kiosk/kiosk-scans.js'
import { KioskLimits } from '../kiosk/kiosk-limits.js'
import { createPortal, type Portal } from '../portal/portal-module.js'
import { HttpModule } from './http-module.js'
import { CardService } from '../cards/card-service.js'
import { ChainHome } from '../cards/chain-home.js'
import { ChainPay } from '../cards/chain-pay.js'
import { CARD_DEBIT, parseHomeCardDebit } from '../../sync/card-contract.js'
import { MemberRetention } from '../members/member-retention.js'
import { ArmedDebits } from '../till/armed-debits.js'
import { MemberSegments } from '../members/member-segments.js'
import { MessageService } from '../messages/message-service.js'
import { MessageFanOut } from '../messages/message-fanout.js'
import { PersonalOffers } from '../messages/personal-offer.js'
import { messageWebhook } from './message-webhook.js'
import type { WebhookSender } from '../messages/webhook-sender.js'

export const DB_FILE = 'tillside.db'
export const MEMBER_KEY_FILE = 'keys/members.key'

export function databasePath(config: Pick<Config, 'dataDir'>): string {
  return resolve(join(config.dataDir, DB_FILE))
}

export interface ComposeOptions {
  config: Config
  log: Logger
  /** Input for simulators with `stdin: true`; null when there is no interactive input. */
  stdin?: Readable | null
  bindings?: Partial<ScannerBindings>
  /** Called if the journal writer dies; the CLI exits so systemd restarts the service. */
  onFatal?: (err: Error) => void
}

/** Every module of a gateway; what the HTTP routes may use of them is `services`. */
export interface Composition {
  bus: EventBus
  journal: Journal
  integrity: IntegrityMonitor
  scans: ScanPipeline
  devices: DeviceManager
  print: PrintService
  sync: SyncService
  authority: VoucherAuthority
  kiosk: KioskService
  kioskScans: KioskScans
  vouchers: VoucherService
  members: MemberService
  pos: PosService
  cards: CardService
  retention: MemberRetention
  messages: MessageService
  fanOut: MessageFanOut
  /** Messages by webhook too, when messages.webhook is set. */
  webhook: WebhookSender | null
  cashiers: CashierSessions
  till: TillService
  portal: Portal | null
  services: GatewayServices
  http: HttpModule
  guestHttp: HttpModule | null
}

export async function compose(opts: ComposeOptions): Promise<Composition> {
  const { config, log } = opts
  const logger = (name: string) => moduleLogger(log, name)
  const bus = new EventBus(logger('gateway:bus'))
  // TILLSIDE_ROLLUPS=off is for the till.decision bench's side-by-side run only (scripts/bench):
  // a store always keeps its rollups, or the back office's figures would stop.
  const journal = new Journal(databasePath(config), logger('gateway:journal'), (err) => opts.onFatal?.(err), {
    rollups: process.env.TILLSIDE_ROLLUPS !== 'off',
  })
  const { integrityCheckAfterMinutes, integrityCheckEveryHours } = config.database
  const integrity = new IntegrityMonitor(
    databasePath(config),
    { firstAfterMs: integrityCheckAfterMinutes * 60_000, everyMs: integrityCheckEveryHours * 3_600_000 },
    logger('gateway:integrity'),
  )
  const scans = new ScanPipeline(journal, bus, logger('gateway:scan'))
  const bindings: ScannerBindings = {
    serial: serialportBinding,
    hid: hidBindingFor(config.devices),
    stdin: opts.stdin ?? null,
    ...opts.bindings,
  }
  const devices = new DeviceManager(config, bindings, scans, bus, log)
  const print = new PrintService(config, journal, bindings.serial, log, (change) => bus.emit('printer.state', change))
  const authority = VoucherAuthority.load(config, logger('gateway:vouchers'))
  const kioskLog = logger('gateway:kiosk')
  // Read again here (config load checked it): the pages serve it as is, slips print it as dots.
  const logo = config.store.brand.logo === undefined ? null : readStoreLogo(config.store.brand.logo)
  const brand = { logo, slipLogo: logo && logoRaster(logo) }
  const segments = new MemberSegments(journal, config.members.segments, logger('gateway:segments'))
  const kiosk = new KioskService(config, authority, journal, print, kioskLog, brand.slipLogo, (member) =>
    Boolean(segments.segmentOf(member)?.top),
  )
  const deviceStates = () =>
    [...devices.status(), ...print.printers()].map((d) => ({
      id: d.id,
      state: d.state,
      since: d.since,
      ...('reason' in d ? { reason: d.reason } : { problem: d.problem }),
    }))
  const departures = new PipeDepartures(journal)
  const named = (list: { id: string; name: string }[]) => (id: string) => list.find((x) => x.id === id)?.name ?? id
  const doubleUses = new DoubleUses(journal, config.store.id, {
    store: (id) => authority.storeName(id),
    cashier: named(config.till.cashiers),
    user: named(config.admin.users),
  })
  const sync: SyncService = new SyncService(
    config,
    {
      journal,
      bus,
      deviceStates,
      version: packageVersion(),
      commands: commandHandlers({
        config,
        authority,
        print,
        kiosk,
        departures,
        doubleUses,
        reannounce: () => sync.reannounce(),
        // Made below with the card service; only called once the gateway runs.
        chainHome: { cancel: (c) => chainHome.cancel(c) },
        messages: { compose: (input, by, opts) => messages.compose(input, by, opts) },
      }),
      asks: { [CARD_DEBIT]: (body) => chainHome.debit(parseHomeCardDebit(body)) },
    },
    log,
  )
  const vouchers = new VoucherService(
    authority,
    journal,
    {
      voidWindowMs: config.vouchers.voidWindowMinutes * 60_000,
      onlineCheck: sync.onlineCheck,
      segmentOf: (member) => segments.segmentOf(member),
      hasTag: (member, tag) => members.hasTag(member, tag),
    },
    logger('gateway:vouchers'),
  )
  const members = new MemberService(
    journal,
    MemberKeys.loadOrCreate(join(config.dataDir, MEMBER_KEY_FILE)),
    config.members,
    logger('gateway:members'),
  )
  const pos = new PosService(
    journal,
    paymentProvider(config),
    { ...config.payments, cancelRetryMaxMs: 60_000 },
    logger('gateway:pos'),
  )
  const retention = new MemberRetention(members, config.portal.privacy.retentionMonths, logger('gateway:members'))
  const offers = new PersonalOffers(authority)
  const messagesLog = logger('gateway:messages')
  const messages = new MessageService(
    journal,
    segments,
    offers,
    {
      languages: config.store.languages,
      maxPerWeek: config.messages.maxPerWeek,
      webhook: config.messages.webhook !== undefined,
    },
    messagesLog,
  )
  const fanOut = new MessageFanOut(journal, segments, offers, config.messages, messagesLog)
  messages.onComposed = () => fanOut.wake()
  const links = LinkSigner.forDataDir(config.dataDir)
  const webhook = messageWebhook(config, { journal, messages, members, links }, messagesLog)
  if (webhook) fanOut.onSends = () => webhook.wake()
  const cards = new CardService(journal, config.cards, pos, logger('gateway:cards'))
  const cardsLog = logger('gateway:cards')
  const chainHome = new ChainHome(config.store, cards, members, journal, config.cards, cardsLog)
  const chainPayer = config.store.merchant !== undefined && config.sync.broker !== 'none' ? sync.cardPayer : null
  const chainPay = new ChainPay(journal, config.cards, chainPayer, cardsLog)
  const armedDebits = new ArmedDebits(cards, chainPay)
  const tillLog = logger('gateway:till')
  const cashiers = new CashierSessions(config.till.cashiers, config.till.sessionMinutes * 60_000, Date.now, (key) =>
    tillLog.warn({ key }, 'PIN attempts locked after repeated wrong PINs (someone may be guessing)'),
  )
  const tillPrinter = config.printers.find((p) => p.role === 'till')?.id
  /** The slip for a redemption at the till; keyed by redemption id, so it prints once. */
  const printRedemptionSlip = async (printer: string, r: TillResult): Promise<void> => {
    const v = r.voucher!
    const doc = redemptionSlip({
      storeName: config.store.name,
      languages: config.store.languages,
      voucherKey: v.key,
      campaignName: v.name ?? { en: `campaign ${v.campaign}` },
      value: v.value ?? { item: { en: '-' } },
      time: r.time,
      cashier: r.cashier,
      redemptionId: r.redemptionId!,
    })
    await print.enqueue(printer, doc, 'redemption_slip', `redemption:${r.redemptionId}`)
  }
  const till = new TillService(
    scans,
    { vouchers, members, payments: pos.provider, cashiers },
    {
      cashierFor: (device) => cashiers.cashierFor(device),
      feedback: (device, good) => devices.feedback(device, good),
      redeemed: tillPrinter ? (r) => printRedemptionSlip(tillPrinter, r) : undefined,
      payOnScan: (device, member) => armedDebits.payOnScan(device, member),
      payElsewhereOnScan: (device, code) => armedDebits.payElsewhereOnScan(device, code),
    },
    tillLog,
  )
  const kioskScans = new KioskScans(scans, members, kioskLog)
  const kioskLimits = new KioskLimits(config.kiosk.limits, kioskLog, (alarm) =>
    journal.append({ type: 'kiosk.limit_reached', payload: alarm }),
  )
  const portal = config.portal.enabled
    ? createPortal(
        config,
        {
          journal,
          members,
          cloudSender: sync.codeSender,
          landing: `${config.portal.publicUrl ?? `http://${config.portal.http.host}:${config.portal.http.port}`}/portal/welcome`,
        },
        log,
      )
    : null
  const admin = new AdminAuth(config.admin, logger('gateway:admin'), (user, action) =>
    journal.append({ type: 'admin.session', device: null, payload: { user, action } }),
  )
  const rollups = new RollupReads(journal)
  const kioskAudit = new KioskAudit(journal)
  const services: GatewayServices = {
    config,
    journal,
    integrity,
    devices,
    scans,
    vouchers,
    members,
    pos,
    cards,
    armedDebits,
    chainPay,
    segments,
    messages,
    print,
    till,
    cashiers,
    links,
    sync,
    kiosk: { service: kiosk, audit: kioskAudit, scans: kioskScans, limits: kioskLimits },
    portal: portal && { service: portal.service, sessions: portal.sessions },
    brand,
    admin,
    rollups,
    backOffice: new BackOffice(config, journal, vouchers, members, rollups, kioskAudit, departures, doubleUses),
    bus,
    startedAt: new Date(),
    version: packageVersion(),
  }
  const http = new HttpModule(
    'http',
    await buildApp({ logger: logger('gateway:http'), services }),
    config.http.host,
    config.http.port,
  )
  const guestHttp = portal
    ? new HttpModule(
        'portal:http',
        await buildGuestApp({ logger: logger('portal:http'), services }),
        config.portal.http.host,
        config.portal.http.port,
      )
    : null
  return {
    bus,
    journal,
    integrity,
    scans,
    devices,
    print,
    sync,
    authority,
    kiosk,
    kioskScans,
    vouchers,
    members,
    pos,
    cards,
    retention,
    messages,
    fanOut,
    webhook,
    cashiers,
    till,
    portal,
    services,
    http,
    guestHttp,
  }
}
