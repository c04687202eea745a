/**
 * Composes the gateway from its modules and runs their lifecycle:
 * data-dir lock → journal → devices → HTTP on start; the reverse on stop, which is exactly "stop intake
 * (HTTP, ports), flush group commit, close the DB".
 */
import { join, resolve } from 'node:path'
import type { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../../config/schema.js'
import { moduleLogger, type Logger } from '../log.js'
import { EventBus } from '../bus.js'
import { startModules, stopModules, type Module } from '../lifecycle.js'
import { Journal } from '../store/journal.js'
import { ScanPipeline } from '../scan/scan-pipeline.js'
import { DeviceManager } from '../devices/device-manager.js'
import { buildApp } from '../http/app.js'
import { serialportBinding } from '../../drivers/bindings/serial.js'
import { hidBindingFor, type ScannerBindings } from '../../drivers/scanner/create-scanner.js'
import { packageVersion } from '../version.js'
import { DataDirLock } from './data-dir-lock.js'
import { VoucherAuthority } from '../vouchers/voucher-authority.js'
import { VoucherService } from '../vouchers/voucher-service.js'
import { TillService, type TillResult } from '../till/till-service.js'
import { redemptionSlip } from '../print/templates.js'
import { CashierSessions } from '../till/cashier-sessions.js'
import { MemberKeys } from '../members/member-keys.js'
import { MemberService } from '../members/member-service.js'
import { PosService } from '../payments/pos-service.js'
import { NO_PROVIDER, SandboxProvider } from '../payments/payment-provider.js'
import { PrintService } from '../print/print-service.js'
import { LinkSigner } from '../auth/signed-links.js'
import { SyncService } from '../../sync/sync-service.js'
import { commandHandlers } from '../../sync/commands/handlers.js'
import { KioskService } from '../kiosk/kiosk-service.js'
import { KioskAudit } from '../kiosk/kiosk-audit.js'
import { KioskScans } from '../kiosk/kiosk-scans.js'
import { KioskLimits } from '../kiosk/kiosk-limits.js'
import { IntegrityMonitor } from '../store/integrity-monitor.js'
import { createPortal } from '../portal/portal-module.js'
import { buildGuestApp } from '../http/portal/guest-app.js'
import type { GatewayServices } from '../http/services.js'
import { flushTallies } from '../log-tally.js'

export interface GatewayOptions {
  config: Config
  log: Logger
  /** Input for simulators with `stdin: true`; null when there is no interactive input. */
  stdin?: Readable | null
  bindings?: Partial<ScannerBindings>
  /** Called if the journal writer dies; the CLI exits so systemd restarts the service. */
  onFatal?: (err: Error) => void
}

export const DB_FILE = 'tillside.db'
export const MEMBER_KEY_FILE = 'keys/members.key'

export function databasePath(config: Pick<Config, 'dataDir'>): string {
  return resolve(join(config.dataDir, DB_FILE))
}

class HttpModule implements Module {
  readonly name = 'http'
  address = ''
  constructor(
    readonly app: FastifyInstance,
    private readonly host: string,
    private readonly port: number,
  ) {}
  async start(): Promise<void> {
    this.address = await this.app.listen({ host: this.host, port: this.port })
  }
  async stop(): Promise<void> {
    await this.app.close()
  }
}

export class Gateway {
  readonly bus: EventBus
  readonly journal: Journal
  readonly scans: ScanPipeline
  readonly devices: DeviceManager
  readonly cashiers: CashierSessions
  readonly integrity: IntegrityMonitor
  vouchers: VoucherService | null = null
  members: MemberService | null = null
  pos: PosService | null = null
  readonly print: PrintService
  readonly sync: SyncService
  till: TillService | null = null
  kiosk: KioskService | null = null
  private started: Module[] = []
  private http: HttpModule | null = null
  private guestHttp: HttpModule | null = null

  constructor(private readonly opts: GatewayOptions) {
    const { config, log } = opts
    this.bus = new EventBus(moduleLogger(log, 'gateway:bus'))
    this.journal = new Journal(databasePath(config), moduleLogger(log, 'gateway:journal'))
    const { integrityCheckAfterMinutes, integrityCheckEveryHours } = config.database
    this.integrity = new IntegrityMonitor(
      databasePath(config),
      { firstAfterMs: integrityCheckAfterMinutes * 60_000, everyMs: integrityCheckEveryHours * 3_600_000 },
      moduleLogger(log, 'gateway:integrity'),
    )
    this.scans = new ScanPipeline(this.journal, this.bus, moduleLogger(log, 'gateway:scan'))
    const bindings: ScannerBindings = {
      serial: serialportBinding,
      hid: hidBindingFor(config.devices),
      stdin: opts.stdin ?? null,
      ...opts.bindings,
    }
    this.devices = new DeviceManager(config, bindings, this.scans, this.bus, log)
    this.print = new PrintService(config, this.journal, bindings.serial, log, (change) =>
      this.bus.emit('printer.state', change),
    )
    this.sync = new SyncService(
      config,
      { journal: this.journal, bus: this.bus, deviceStates: () => this.deviceStates(), version: packageVersion() },
      log,
    )
    const tillLog = moduleLogger(log, 'gateway:till')
    this.cashiers = new CashierSessions(config.till.cashiers, config.till.sessionMinutes * 60_000, Date.now, (key) =>
      tillLog.warn({ key }, 'PIN attempts locked after repeated wrong PINs (someone may be guessing)'),
    )
  }

  get address(): string {
    return this.http?.address ?? ''
  }

  /** The guest Wi-Fi listener's address ('' without the portal). */
  get guestAddress(): string {
    return this.guestHttp?.address ?? ''
  }

  get app(): FastifyInstance | null {
    return this.http?.app ?? null
  }

  /**
   * Lock and journal first; then what needs them (voucher keys and lists live in the
   * data dir); devices only after the till listens, so no scan goes unhandled.
   */
  async start(signal: AbortSignal = new AbortController().signal): Promise<void> {
    const { config, log } = this.opts
    const lifecycleLog = moduleLogger(log, 'gateway:lifecycle')
    this.journal.onFatal = (err) => this.opts.onFatal?.(err)
    this.started = await startModules([new DataDirLock(resolve(config.dataDir)), this.journal], signal, lifecycleLog)
    try {
      const authority = VoucherAuthority.load(config, moduleLogger(log, 'gateway:vouchers'))
      const vouchers = new VoucherService(
        authority,
        this.journal,
        { voidWindowMs: config.vouchers.voidWindowMinutes * 60_000, onlineCheck: this.sync.onlineCheck },
        moduleLogger(log, 'gateway:vouchers'),
      )
      const members = new MemberService(
        this.journal,
        MemberKeys.loadOrCreate(join(config.dataDir, MEMBER_KEY_FILE)),
        config.members,
        moduleLogger(log, 'gateway:members'),
      )
      const pos = new PosService(
        this.journal,
        config.payments.provider === 'sandbox' ? new SandboxProvider() : NO_PROVIDER,
        moduleLogger(log, 'gateway:pos'),
      )
      const tillPrinter = config.printers.find((p) => p.role === 'till')?.id
      const till = new TillService(
        this.scans,
        { vouchers, members, payments: pos.provider, cashiers: this.cashiers },
        {
          cashierFor: (device) => this.cashiers.cashierFor(device),
          feedback: (device, good) => this.devices.feedback(device, good),
          redeemed: tillPrinter ? (r) => this.printRedemptionSlip(tillPrinter, r) : undefined,
        },
        moduleLogger(log, 'gateway:till'),
      )
      const kioskLog = moduleLogger(log, 'gateway:kiosk')
      const kiosk = new KioskService(config, authority, this.journal, this.print, kioskLog)
      await kiosk.start()
      const kioskScans = new KioskScans(this.scans, members, kioskLog)
      const kioskLimits = new KioskLimits(config.kiosk.limits, kioskLog, (alarm) =>
        this.journal.append({ type: 'kiosk.limit_reached', payload: alarm }),
      )
      this.sync.commands = commandHandlers({
        config,
        authority,
        print: this.print,
        kiosk,
        reannounce: () => this.sync.reannounce(),
      })
      this.kiosk = kiosk
      this.vouchers = vouchers
      this.members = members
      this.pos = pos
      this.till = till
      const portal = config.portal.enabled
        ? createPortal(
            config,
            {
              journal: this.journal,
              members,
              cloudSender: this.sync.codeSender,
              landing: `${config.portal.publicUrl ?? `http://${config.portal.http.host}:${config.portal.http.port}`}/portal/welcome`,
            },
            log,
          )
        : null
      const services: GatewayServices = {
        config,
        journal: this.journal,
        integrity: this.integrity,
        devices: this.devices,
        scans: this.scans,
        vouchers,
        members,
        pos,
        print: this.print,
        till,
        cashiers: this.cashiers,
        links: LinkSigner.forDataDir(config.dataDir),
        sync: this.sync,
        kiosk: { service: kiosk, audit: new KioskAudit(this.journal), scans: kioskScans, limits: kioskLimits },
        portal: portal && { service: portal.service, sessions: portal.sessions },
        startedAt: new Date(),
        version: packageVersion(),
      }
      this.http = new HttpModule(
        await buildApp({ logger: moduleLogger(log, 'gateway:http'), services }),
        config.http.host,
        config.http.port,
      )
      // The guest listener opens after the controller's rules and the restored sessions are in place.
      this.guestHttp = portal
        ? new HttpModule(
            await buildGuestApp({ logger: moduleLogger(log, 'portal:http'), services }),
            config.portal.http.host,
            config.portal.http.port,
          )
        : null
      const portalModules = portal ? [portal.controller, portal.sessions, this.guestHttp!] : []
      this.started.push(
        ...(await startModules(
          [this.print, till, kioskScans, this.devices, this.http, ...portalModules, this.sync, this.integrity],
          signal,
          lifecycleLog,
        )),
      )
    } catch (err) {
      await stopModules(this.started, lifecycleLog)
      this.started = []
      throw err
    }
    log.info({ address: this.address, store: config.store.id, devices: config.devices.length }, 'gateway started')
  }

  private deviceStates() {
    return [...this.devices.status(), ...this.print.printers()].map((d) => ({
      id: d.id,
      state: d.state,
      since: d.since,
      ...('reason' in d ? { reason: d.reason } : { problem: d.problem }),
    }))
  }

  /** The slip for a redemption at the till; keyed by redemption id, so it prints once. */
  private async printRedemptionSlip(printer: string, r: TillResult): Promise<void> {
    const v = r.voucher!
    const doc = redemptionSlip({
      storeName: this.opts.config.store.name,
      voucherKey: v.key,
      campaignName: v.name ?? { en: `campaign ${v.campaign}` },
      value: v.value ?? { item: { en: '-' } },
      time: r.time,
      cashier: r.cashier,
      redemptionId: r.redemptionId!,
    })
    await this.print.enqueue(printer, doc, 'redemption_slip', `redemption:${r.redemptionId}`)
  }

  async stop(): Promise<void> {
    const started = this.started
    this.started = []
    await stopModules(started, moduleLogger(this.opts.log, 'gateway:lifecycle'))
    flushTallies()
    this.opts.log.info('gateway stopped')
  }
}
