/**
 * The back office's questions, composed once (runtime/compose.ts): a voucher's life,
 * campaign and prize figures, members, exports — with one place that turns the ids in
 * the records into names people know (devices, cashiers, printers, offers, stores).
 */
import type { Config } from '../../config/schema.js'
import { pickText, type Lang } from '../../config/schema-parts.js'
import { t } from '../i18n/messages.js'
import type { KioskAudit } from '../kiosk/kiosk-audit.js'
import type { MemberService } from '../members/member-service.js'
import type { ReadSource } from '../store/read/read-source.js'
import type { RollupReads } from '../store/read/rollup-reads.js'
import type { Journal } from '../store/journal.js'
import type { Campaign } from '../vouchers/campaigns.js'
import type { VoucherService } from '../vouchers/voucher-service.js'
import { CampaignFigures } from './campaign-figures.js'
import { exportCsv, type ExportNames, type ExportTable } from './exports.js'
import { VoucherLookup } from './voucher-life.js'
import type { PipeDepartures } from './pipe-departures.js'
import type { DoubleUses } from './double-uses.js'

export class BackOffice {
  readonly lookup: VoucherLookup
  readonly figures: CampaignFigures
  private readonly devices: Map<string, string>
  private readonly cashiers: Map<string, string>
  private readonly printers: Map<string, string>

  constructor(
    config: Pick<Config, 'devices' | 'printers' | 'till'>,
    private readonly journal: ReadSource & Pick<Journal, 'append'>,
    private readonly vouchers: VoucherService,
    readonly members: MemberService,
    rollups: RollupReads,
    audit: KioskAudit,
    /** The cloud's count of this store's vouchers used at partners. */
    readonly departures: PipeDepartures,
    /** Vouchers the cloud found used beyond their uses here and at another store. */
    readonly doubleUses: DoubleUses,
  ) {
    this.devices = new Map(config.devices.map((d) => [d.id, d.name ?? d.id]))
    this.cashiers = new Map(config.till.cashiers.map((c) => [c.id, c.name]))
    this.printers = new Map(config.printers.map((p) => [p.id, p.name ?? p.id]))
    this.lookup = new VoucherLookup(journal, vouchers, members, {
      device: (id) => this.deviceName(id),
      cashier: (id) => this.cashiers.get(id) ?? id,
    })
    this.figures = new CampaignFigures(journal, rollups, audit)
  }

  deviceName = (id: string): string => this.devices.get(id) ?? id
  printerName = (id: string): string => this.printers.get(id) ?? id
  storeName = (id: string): string => this.vouchers.authority.storeName(id)

  campaigns(): Campaign[] {
    return this.vouchers.authority.campaigns.list()
  }

  campaignName(lang: Lang, id: number): string {
    const c = this.vouchers.authority.campaigns.get(id)
    return c ? pickText(lang, c.name) : t(lang, 'admin.campaignNumber', { id })
  }

  /** A table as CSV pieces, for [from, to). */
  exportCsv(table: ExportTable, lang: Lang, range: { from: number; to: number }): AsyncGenerator<string> {
    const names: ExportNames = {
      campaign: (id) => this.campaignName(lang, id),
      store: this.storeName,
      device: this.deviceName,
      cashier: (id) => this.cashiers.get(id) ?? id,
      printer: this.printerName,
      phone: (id) => this.members.phoneOf(id),
      consent: (id, kind) => this.members.consentOf(id, kind),
    }
    return exportCsv(this.journal, table, names, lang, range)
  }

  /** Exports carry customers' data out of the store: each is journaled with who and what. */
  async recordExport(
    user: string,
    table: ExportTable | 'segments',
    range: { from: number; to: number },
  ): Promise<void> {
    await this.journal.append({ type: 'admin.export', device: null, payload: { user, table, ...range } })
  }
}
