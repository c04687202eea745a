/**
 * Issuing, checking, redeeming and voiding vouchers: the one domain entry point used by
 * the till, the POS API, the kiosk and the CLI. Every outcome — accepted or rejected —
 * is journaled before it is returned.
 */
import { CodedError } from '../../config/coded-error.js'
import { VoucherReads } from '../store/read/voucher-reads.js'
import type { Journal } from '../store/journal.js'
import type { Logger } from '../log.js'
import { Tally } from '../log-tally.js'
import type { PreviousRedemption, VoidRefusal } from '../store/tx/voucher-tx.js'
import { issuableAt, type Campaign } from './campaigns.js'
import { memberTag, hourFromMs, voucherKey } from './voucher-code.js'
import type { VoucherAuthority } from './voucher-authority.js'
import type { KnownNames } from './where-to-use.js'
import type { RejectionReason, Verdict, VerifiedVoucher } from './verify.js'

export class VoucherError extends CodedError<
  'not_enrolled' | 'unknown_campaign' | 'not_issuer' | 'campaign_ended' | 'member_limit' | 'not_in_audience'
> {
  override readonly name = 'VoucherError'
}

export type Channel = 'kiosk' | 'pos' | 'cli' | 'portal' | 'till'

export interface IssueRequest {
  campaignId: number
  memberId?: string | null
  channel: Channel
  device?: string | null
}

export interface IssuedVoucher {
  code: string
  key: string
  campaign: Campaign
  serial: number
  expiresAt: number
  memberId: string | null
  eventId: string
  seq: number
}

/**
 * Asks the cloud about a high-value voucher (sync/voucher-check.ts); without a link the
 * answer is 'unavailable'. A refusal says why: used elsewhere, or revoked.
 */
export type OnlineAnswer =
  | { answer: 'ok'; allowedUses?: number }
  | { answer: 'refused'; reason: 'already_redeemed' | 'revoked'; detail: string }
  | { answer: 'unavailable'; detail: string }
export interface OnlineCheck {
  /** `localUses`: this store's live uses of the voucher, which the cloud may not have heard of yet. */
  check(voucher: VerifiedVoucher, localUses: number): Promise<OnlineAnswer>
}
export const NO_ONLINE_CHECK: OnlineCheck = {
  check: () => Promise.resolve({ answer: 'unavailable', detail: 'this store does not sync with the cloud' }),
}

export interface VoucherSummary {
  key: string
  kid: number
  campaign: number
  serial: number
  issuerStore?: string
  name?: Campaign['name']
  value?: Campaign['value']
}

export type RedeemOutcome =
  | { ok: true; redemptionId: string; voucher: VoucherSummary; use: number; maxUses: number; time: number; seq: number }
  | {
      ok: false
      reason: RejectionReason
      detail: string
      voucher?: VoucherSummary
      previous?: PreviousRedemption | null
      time: number
      seq: number
    }

export interface RedeemContext {
  device: string | null
  cashier: string | null
  /** What led here: a scan id, a POS request; recorded in the event. */
  source: Record<string, unknown>
}

export type VoidOutcome =
  { ok: true; time: number; seq: number } | { ok: false; reason: VoidRefusal; redeemedAt: number | null; seq: number }

export class VoucherService {
  /** Online-checked redemptions under way, by voucher key (see redeem). */
  private readonly inFlight = new Map<string, Promise<void>>()
  private readonly tally: Tally
  private readonly reads: VoucherReads

  constructor(
    readonly authority: VoucherAuthority,
    private readonly journal: Journal,
    private readonly opts: {
      voidWindowMs: number
      onlineCheck?: OnlineCheck
      /** A member's segment (members/member-segments.ts), for campaigns with an audience. */
      segmentOf?: (memberId: string) => { lifecycle: string; top: boolean } | null
      /** Whether a member carries a manager's tag, for campaigns whose audience is a tag. */
      hasTag?: (memberId: string, tag: string) => boolean
    },
    private readonly log: Logger,
  ) {
    this.tally = new Tally(log, 'vouchers in the last minute')
    this.reads = new VoucherReads(journal)
  }

  /** A member-only campaign: the member must be named and be in its segment (or carry its tag) now. */
  private checkAudience(
    campaign: number,
    audience: { segment: string } | { tag: string },
    memberId: string | null,
  ): void {
    const words =
      'tag' in audience
        ? `members tagged "${audience.tag}"`
        : audience.segment === 'top'
          ? 'the top 20 % of members'
          : `${audience.segment} members`
    if (memberId === null)
      throw new VoucherError('not_in_audience', `campaign ${campaign} is for ${words}: name the member`)
    let inside: boolean
    if ('tag' in audience) inside = this.opts.hasTag?.(memberId, audience.tag) ?? false
    else {
      const seg = this.opts.segmentOf?.(memberId) ?? null
      inside = seg !== null && (audience.segment === 'top' ? seg.top : seg.lifecycle === audience.segment)
    }
    if (!inside) throw new VoucherError('not_in_audience', `campaign ${campaign} is for ${words}; this member is not`)
  }

  async issue(req: IssueRequest, now = Date.now()): Promise<IssuedVoucher> {
    const own = this.authority.ownIssuer()
    if (!own)
      throw new VoucherError(
        'not_enrolled',
        `this gateway's key ${this.authority.keys.publicKeyText} is not in the trust list`,
      )
    const campaign = this.authority.campaigns.get(req.campaignId)
    if (!campaign) throw new VoucherError('unknown_campaign', `campaign ${req.campaignId} is not known at this store`)
    if (!issuableAt(campaign, this.authority.store))
      throw new VoucherError('not_issuer', `store ${this.authority.store.id} may not issue campaign ${campaign.id}`)
    if (now >= Date.parse(campaign.validTo))
      throw new VoucherError('campaign_ended', `campaign ${campaign.id} ended ${campaign.validTo}`)
    const expiresAt = this.authority.expiresAt(campaign, now)
    const memberId = req.memberId ?? null
    if (campaign.audience) this.checkAudience(campaign.id, campaign.audience, memberId)
    const expiresHour = hourFromMs(expiresAt)
    const { result } = await this.journal.execute('voucher.issue', {
      kid: own.kid,
      campaign: campaign.id,
      member: memberId,
      maxPerMember: campaign.maxPerMember ?? null,
      expiresHour,
      channel: req.channel,
      device: req.device ?? null,
      store: this.authority.store.id,
    })
    if (!result.ok)
      throw new VoucherError(
        'member_limit',
        `member already has ${result.issued} voucher(s) of campaign ${campaign.id} (limit ${campaign.maxPerMember})`,
      )
    const fields = {
      kid: own.kid,
      campaign: campaign.id,
      serial: result.serial,
      expiresHour,
      memberTag: memberTag(memberId),
    }
    const code = this.authority.codeOf(fields)
    const key = voucherKey(fields)
    this.log.debug({ key, channel: req.channel, seq: result.seq }, 'voucher issued')
    this.tally.add('issued')
    return { code, key, campaign, serial: result.serial, expiresAt, memberId, eventId: result.eventId, seq: result.seq }
  }

  /** Checks a code without redeeming it (POS "validate"); includes the current use count. */
  validate(code: string, now = Date.now()): Verdict & { usesLeft?: number } {
    const verdict = this.authority.check(code, now)
    if (!verdict.ok) return verdict
    const uses = this.reads.usesOf(verdict.voucher.key)
    const usesLeft = verdict.voucher.campaign.uses - uses
    if (usesLeft <= 0)
      return {
        ok: false,
        reason: 'already_redeemed',
        detail: `used ${uses} of ${verdict.voucher.campaign.uses}`,
        voucher: voucherSummary(verdict.voucher),
      }
    return { ...verdict, usesLeft }
  }

  async redeem(code: string, ctx: RedeemContext, now = Date.now()): Promise<RedeemOutcome> {
    const verdict = this.authority.check(code, now)
    if (!verdict.ok) return this.reject(verdict.reason, verdict.detail, verdict.voucher, ctx)
    const v = verdict.voucher
    if (!v.needsOnlineCheck) return this.record(v, ctx)
    // One online-checked redemption of a voucher at a time here, so the local uses the
    // cloud is told include every yes it gave this store before.
    return this.oneAtATime(v.key, async () => {
      const online = await (this.opts.onlineCheck ?? NO_ONLINE_CHECK).check(v, this.reads.usesOf(v.key))
      if (online.answer === 'refused')
        return this.reject(online.reason, `the cloud refused it: ${online.detail}`, voucherSummary(v), ctx)
      if (online.answer === 'unavailable')
        return this.reject(
          'online_check_required',
          `vouchers of campaign ${v.campaign.id} need an online check: ${online.detail}`,
          voucherSummary(v),
          ctx,
        )
      return this.record(v, ctx, online.allowedUses)
    })
  }

  /** The redemption in the journal; `limit`: the uses the cloud left this store, when it said. */
  private async record(v: VerifiedVoucher, ctx: RedeemContext, limit?: number): Promise<RedeemOutcome> {
    const merchant = this.authority.store.merchant
    const details = {
      issuerStore: v.issuer.store,
      value: v.campaign.value,
      memberTag: v.memberTag,
      source: ctx.source,
      // Who funds the voucher (the campaign's merchant) and who honours it: the cloud's settlement.
      issuerMerchant: v.campaign.issuer.merchant,
      ...(merchant === undefined ? {} : { storeMerchant: merchant }),
    }
    const { result } = await this.journal.execute('voucher.redeem', {
      voucherKey: v.key,
      kid: v.kid,
      campaign: v.campaign.id,
      serial: v.serial,
      maxUses: v.campaign.uses,
      limit,
      store: this.authority.store.id,
      device: ctx.device,
      cashier: ctx.cashier,
      details,
    })
    const voucher = voucherSummary(v)
    if (!result.ok) {
      const when = result.previous
        ? `${new Date(result.previous.time).toISOString()} at ${result.previous.store}`
        : 'earlier'
      this.tally.add('rejected')
      this.tally.add('already_redeemed')
      return {
        ok: false,
        reason: 'already_redeemed',
        detail: `already redeemed ${when}`,
        voucher,
        previous: result.previous,
        time: result.time,
        seq: result.seq,
      }
    }
    this.log.debug({ voucher: v.key, redemption: result.redemptionId, device: ctx.device }, 'voucher redeemed')
    this.tally.add('redeemed')
    return {
      ok: true,
      redemptionId: result.redemptionId,
      voucher,
      use: result.use,
      maxUses: result.maxUses,
      time: result.time,
      seq: result.seq,
    }
  }

  private async oneAtATime<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.inFlight.get(key) ?? Promise.resolve()).then(fn)
    const settled = run.then(
      () => {},
      () => {},
    )
    this.inFlight.set(key, settled)
    try {
      return await run
    } finally {
      if (this.inFlight.get(key) === settled) this.inFlight.delete(key)
    }
  }

  /** When and where a voucher was last used here (for the customer's page); null if it was not. */
  lastUse(voucherKey: string): { time: number; store: string; storeName: string } | null {
    const last = this.reads.lastRedemption(voucherKey)
    return last && { ...last, storeName: this.authority.storeName(last.store) }
  }

  /** Other stores' and merchants' names from the trust list ("where to use it"). */
  names(): KnownNames {
    return this.authority.names()
  }

  async void(
    redemptionId: string,
    cashier: string,
    reason: string | null,
    device: string | null,
  ): Promise<VoidOutcome> {
    const { result } = await this.journal.execute('voucher.void', {
      redemptionId,
      cashier,
      reason,
      device,
      windowMs: this.opts.voidWindowMs,
    })
    this.tally.add(result.ok ? 'voided' : 'void_refused')
    return result
  }

  /**
   * The latest redemption outcomes from the journal, newest first — what the cashier
   * screen shows again after a restart. Voided redemptions are marked.
   */
  recentOutcomes(
    limit: number,
  ): { outcome: RedeemOutcome; device: string | null; cashier: string | null; voided: boolean }[] {
    return this.reads.recentOutcomes(limit).map((e) => {
      const p = e.payload
      const campaign = p.campaign !== undefined ? this.authority.campaigns.get(p.campaign) : undefined
      const voucher: VoucherSummary | undefined =
        p.voucherKey !== undefined && p.kid !== undefined && p.campaign !== undefined && p.serial !== undefined
          ? {
              key: p.voucherKey,
              kid: p.kid,
              campaign: p.campaign,
              serial: p.serial,
              issuerStore: p.issuerStore,
              name: campaign?.name,
              value: p.value ?? campaign?.value,
            }
          : undefined
      const base = { time: e.time, seq: e.seq }
      const outcome: RedeemOutcome =
        e.type === 'voucher.redeemed'
          ? { ok: true, redemptionId: e.id, voucher: voucher!, use: e.payload.use, maxUses: e.payload.maxUses, ...base }
          : {
              ok: false,
              reason: e.payload.reason as RejectionReason,
              detail: e.payload.detail ?? '',
              voucher,
              previous: e.payload.previous ?? undefined,
              ...base,
            }
      return {
        outcome,
        device: e.device,
        cashier: p.cashier ?? null,
        voided: e.type === 'voucher.redeemed' && this.reads.isVoided(e.id),
      }
    })
  }

  private async reject(
    reason: RejectionReason,
    detail: string,
    voucher: VoucherSummary | undefined,
    ctx: RedeemContext,
  ): Promise<RedeemOutcome> {
    const ev = await this.journal.append({
      type: 'voucher.rejected',
      device: ctx.device,
      payload: {
        reason,
        detail,
        ...(voucher && {
          voucherKey: voucher.key,
          kid: voucher.kid,
          campaign: voucher.campaign,
          serial: voucher.serial,
          issuerStore: voucher.issuerStore,
          value: voucher.value,
        }),
        cashier: ctx.cashier,
        source: ctx.source,
      },
    })
    this.log.debug({ reason, voucher: voucher?.key, device: ctx.device }, 'voucher rejected')
    this.tally.add('rejected')
    this.tally.add(reason)
    return { ok: false, reason, detail, voucher, time: ev.time, seq: ev.seq }
  }
}

/** What APIs and screens show of a checked voucher. */
export function voucherSummary(v: VerifiedVoucher): VoucherSummary {
  return {
    key: v.key,
    kid: v.kid,
    campaign: v.campaign.id,
    serial: v.serial,
    issuerStore: v.issuer.store,
    name: v.campaign.name,
    value: v.campaign.value,
  }
}
