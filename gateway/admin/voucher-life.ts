/**
 * A voucher's life as the back office shows it, found by scanning or pasting its code or
 * by its number (kid:campaign:serial, printed on every redemption slip): which store
 * issued it, when, how and to whom (the phone masked), its slip, and every use here —
 * where, at which till, by which cashier, and who voided it. Names, never ids, where the
 * store knows them.
 */
import type { Campaign } from '../vouchers/campaigns.js'
import type { VoucherService } from '../vouchers/voucher-service.js'
import type { MemberService } from '../members/member-service.js'
import { maskPhone } from '../members/phone.js'
import { KioskReads } from '../store/read/kiosk-reads.js'
import { PrintReads } from '../store/read/print-reads.js'
import { VoucherReads } from '../store/read/voucher-reads.js'
import type { ReadSource } from '../store/read/read-source.js'
import type { RejectionReason } from '../vouchers/verify.js'
import { expiryMs } from '../vouchers/voucher-code.js'

export interface VoucherLife {
  key: string
  campaignId: number
  campaign: Campaign | null
  issuerStore: string | null
  issuerName: string | null
  /** When looked up by code: whether it would be accepted here now, else why not. */
  check: { ok: true; usesLeft: number } | { ok: false; reason: RejectionReason; detail: string } | null
  issued: {
    at: number
    expiresAt: number
    channel: string
    device: string | null
    /** The member's phone, masked; null for a voucher issued to nobody. */
    member: string | null
  } | null
  slip: { jobId: string; state: string } | null
  uses: {
    at: number
    storeName: string
    device: string | null
    cashier: string | null
    voided: { at: number; by: string | null } | null
  }[]
}

export type LookupResult = { found: true; life: VoucherLife } | { found: false; reason: 'unreadable' | 'unknown' }

const NUMBER = /^(\d{1,5}):(\d{1,5}):(\d{1,8})$/

export class VoucherLookup {
  private readonly vouchers: VoucherReads
  private readonly kiosk: KioskReads
  private readonly print: PrintReads

  constructor(
    source: ReadSource,
    private readonly service: VoucherService,
    private readonly members: MemberService,
    /** Device and cashier names from the config, by id. */
    private readonly names: { device(id: string): string; cashier(id: string): string },
  ) {
    this.vouchers = new VoucherReads(source)
    this.kiosk = new KioskReads(source)
    this.print = new PrintReads(source)
  }

  find(input: string, now = Date.now()): LookupResult {
    const text = input.trim()
    const number = NUMBER.exec(text)
    if (number) {
      const [kid, campaign, serial] = number.slice(1).map(Number) as [number, number, number]
      const life = this.life(kid, campaign, serial, null)
      return life.issued || life.uses.length > 0 ? { found: true, life } : { found: false, reason: 'unknown' }
    }
    const verdict = this.service.validate(text, now)
    const v = verdict.ok ? verdict.voucher : verdict.voucher
    if (!v) return { found: false, reason: 'unreadable' }
    const campaign = typeof v.campaign === 'number' ? v.campaign : v.campaign.id
    const check: VoucherLife['check'] = verdict.ok
      ? { ok: true, usesLeft: verdict.usesLeft ?? 0 }
      : { ok: false, reason: verdict.reason, detail: verdict.detail }
    return { found: true, life: this.life(v.kid, campaign, v.serial, check) }
  }

  private life(kid: number, campaignId: number, serial: number, check: VoucherLife['check']): VoucherLife {
    const authority = this.service.authority
    const key = `${kid}:${campaignId}:${serial}`
    const issuerStore = authority.trust.issuer(kid)?.store ?? null
    const issued = this.vouchers.issued(kid, campaignId, serial)
    const play = this.kiosk.playOfVoucher(kid, campaignId, serial)
    const slip = play && this.print.jobByRequest(`play:${play.id}`)
    const phone = issued?.member ? this.members.phoneOf(issued.member) : null
    return {
      key,
      campaignId,
      campaign: authority.campaigns.get(campaignId) ?? null,
      issuerStore,
      issuerName: issuerStore === null ? null : authority.storeName(issuerStore),
      check,
      issued: issued && {
        at: issued.issuedAt,
        expiresAt: expiryMs(issued.expiresHour),
        channel: issued.channel,
        device: issued.device === null ? null : this.names.device(issued.device),
        member: phone === null ? null : maskPhone(phone),
      },
      slip: slip ? { jobId: slip.id, state: slip.state } : null,
      uses: this.vouchers.redemptions(key).map((r) => ({
        at: r.time,
        storeName: authority.storeName(r.store),
        device: r.device === null ? null : this.names.device(r.device),
        cashier: r.cashier === null ? null : this.names.cashier(r.cashier),
        voided: r.voidedAt === null ? null : { at: r.voidedAt, by: r.voidedBy && this.names.cashier(r.voidedBy) },
      })),
    }
  }
}
