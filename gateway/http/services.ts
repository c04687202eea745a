/** What the HTTP layer may use: the domain's services, never SQL or drivers. */
import fp from 'fastify-plugin'
import type { Config } from '../../config/schema.js'
import type { Journal } from '../store/journal.js'
import type { IntegrityMonitor } from '../store/integrity-monitor.js'
import type { DeviceManager } from '../devices/device-manager.js'
import type { ScanPipeline } from '../scan/scan-pipeline.js'
import type { VoucherService } from '../vouchers/voucher-service.js'
import type { TillService } from '../till/till-service.js'
import type { CashierSessions } from '../till/cashier-sessions.js'
import type { MemberService } from '../members/member-service.js'
import type { PosService } from '../payments/pos-service.js'
import type { PrintService } from '../print/print-service.js'
import type { LinkSigner } from '../auth/signed-links.js'
import type { SyncService } from '../../sync/sync-service.js'
import type { KioskService } from '../kiosk/kiosk-service.js'
import type { KioskAudit } from '../kiosk/kiosk-audit.js'
import type { KioskScans } from '../kiosk/kiosk-scans.js'
import type { KioskLimits } from '../kiosk/kiosk-limits.js'
import type { PortalService } from '../portal/portal-service.js'
import type { PortalSessions } from '../portal/portal-sessions.js'
import type { StoreLogo } from '../../config/store-logo.js'
import type { AdminAuth } from '../admin/admin-auth.js'
import type { BackOffice } from '../admin/back-office.js'
import type { RollupReads } from '../store/read/rollup-reads.js'
import type { EventBus } from '../bus.js'
import type { Raster } from '../print/logo-raster.js'
import type { ChainPay } from '../cards/chain-pay.js'
import type { CardService } from '../cards/card-service.js'
import type { ArmedDebits } from '../till/armed-debits.js'
import type { MemberSegments } from '../members/member-segments.js'
import type { MessageService } from '../messages/message-service.js'

export interface GatewayServices {
  config: Config
  journal: Pick<Journal, 'getHealth' | 'observeCommits'>
  /** The database's full integrity check, run in the background. */
  integrity: Pick<IntegrityMonitor, 'status'>
  devices: Pick<DeviceManager, 'status' | 'simulateScan'>
  scans: Pick<ScanPipeline, 'stats'>
  vouchers: Pick<VoucherService, 'validate' | 'redeem' | 'void' | 'issue' | 'lastUse' | 'names'>
  members: Pick<MemberService, 'enrol' | 'findByPhone' | 'currentCode' | 'identify' | 'consents' | 'forget'>
  print: Pick<
    PrintService,
    'printers' | 'printerFor' | 'profileOf' | 'enqueue' | 'job' | 'jobs' | 'preview' | 'reprint' | 'cancel'
  >
  pos: Pick<PosService, 'recordSale' | 'charge' | 'refund' | 'refundCharge' | 'paidCharges'>
  cards: CardService
  /** Paying here from the card of a member of the merchant's other stores. */
  chainPay: ChainPay
  /** Card payments typed on a till screen, waiting for the member's QR. */
  armedDebits: ArmedDebits
  segments: MemberSegments
  /** Messages and offers to the store's followers (the service window). */
  messages: MessageService
  till: Pick<TillService, 'history' | 'subscribe' | 'subscribers' | 'void' | 'memberScanned' | 'walletCodeScanned'>
  cashiers: CashierSessions
  /** Signs links that carry their own permission (print previews for a manager's browser). */
  links: LinkSigner
  sync: Pick<SyncService, 'status'>
  kiosk: {
    service: Pick<KioskService, 'play' | 'getPlay' | 'playsLeft' | 'memberPlays' | 'campaignName' | 'rules'>
    audit: KioskAudit
    scans: Pick<KioskScans, 'subscribe' | 'subscribers'>
    limits: Pick<KioskLimits, 'take' | 'recent'>
  }
  /** The guest Wi-Fi portal; null when portal.enabled is off. */
  portal?: { service: PortalService; sessions: PortalSessions } | null
  admin: AdminAuth
  backOffice: BackOffice
  rollups: RollupReads
  bus: Pick<EventBus, 'on' | 'off'>
  /** The store's logo as given (for the pages) and as printer dots (for the slip header). */
  brand: { logo: StoreLogo | null; slipLogo: Raster | null }
  startedAt: Date
  version: string
}

declare module 'fastify' {
  interface FastifyInstance {
    services: GatewayServices
  }
}

export const servicesPlugin = fp<{ services: GatewayServices }>(
  async (app, opts) => {
    app.decorate('services', opts.services)
  },
  { name: 'tillside-services', fastify: '5.x' },
)
