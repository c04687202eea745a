/**
 * The till: every scan from a till-role scanner is classified and handled, and the
 * outcome is pushed to the cashier screens. The till claims till scans from the scan
 * pipeline, so a voucher's redemption is submitted in the same tick as its scan and
 * both commit in one transaction; nothing is shown before that commit.
 */
import type { ScanPipeline } from '../scan/scan-pipeline.js'
import type { Logger } from '../log.js'
import type { Module } from '../lifecycle.js'
import type { JournaledScan, ScanDraft } from '../scan/scan-types.js'
import type { RedeemOutcome, VoidOutcome, VoucherService, VoucherSummary } from '../vouchers/voucher-service.js'
import { LoginError, type CashierSessions } from './cashier-sessions.js'
import type { MemberService } from '../members/member-service.js'
import type { PaymentProvider } from '../payments/payment-provider.js'
import type { PreviousRedemption } from '../store/tx/voucher-tx.js'
import { classifyScan, type ScanClass } from './classify.js'
import { handOverText, reasonText } from './till-text.js'
import type { Localized } from '../../config/schema-parts.js'
import { localized } from '../i18n/messages.js'
import type { TillCardMove } from './armed-debits.js'

export interface TillResult {
  /** Unique per result: the outcome's event id, or the scan id when nothing else was written. */
  id: string
  seq: number
  time: number
  device: string | null
  cashier: string | null
  kind: ScanClass['kind']
  ok: boolean
  reason: string | null
  headline: Localized
  /** What to do, for rejections. */
  advice: Localized | null
  detail: string
  handOver: Localized | null
  /** For vouchers of several uses: which use this was. */
  uses?: { use: number; of: number }
  voucher?: VoucherSummary
  redemptionId?: string
  memberId?: string
  /** The redemption that used the voucher up, with the store's name for people. */
  previous?: (PreviousRedemption & { storeName: string }) | null
  voided?: boolean
  /** A member scan that paid an armed card debit: what it moved, or why not. */
  cardMove?: TillCardMove
}

export type TillListener = (result: TillResult) => void

export interface TillHooks {
  /** Who is working the till a scanner belongs to (cashier sessions); null if nobody is logged in. */
  cashierFor(deviceId: string): string | null
  /** Good-read / bad-read to the scanner, where it takes commands. */
  feedback(deviceId: string, good: boolean): Promise<void>
  /** After a redemption is shown (the redemption slip, when the till has a printer). */
  redeemed?(result: TillResult): Promise<void>
  /** A member recognised on `deviceId`, in the scan's tick: the debit armed there, if any (armed-debits.ts). */
  payOnScan?(deviceId: string, memberId: string): Promise<TillCardMove> | null
  /** A member this store does not know, on `deviceId`: the armed debit asked of their home store, if any. */
  payElsewhereOnScan?(deviceId: string, memberCode: string): Promise<TillCardMove> | null
}

const HISTORY = 20
/** A member scanned this recently is at the till: the card may be topped up or paid from. */
export const MEMBER_PRESENT_MS = 5 * 60_000
/** Wallet payment codes expire in about a minute: kept this long for a card top-up, then forgotten. */
const WALLET_CODE_MS = 90_000
const WALLET_CODES = 8

export class TillService implements Module {
  readonly name = 'till'
  private readonly listeners = new Set<TillListener>()
  private readonly recent: TillResult[] = []
  /** The latest wallet payment codes scanned, by result id (never sent to a screen). */
  private readonly walletCodes = new Map<string, { code: string; device: string; time: number }>()

  private readonly vouchers: VoucherService
  private readonly members: Pick<MemberService, 'identify'>
  private readonly payments: Pick<PaymentProvider, 'available' | 'name'>
  private readonly cashiers: Pick<CashierSessions, 'confirm'>

  constructor(
    private readonly scans: Pick<ScanPipeline, 'claim'>,
    services: {
      vouchers: VoucherService
      members: Pick<MemberService, 'identify'>
      payments: Pick<PaymentProvider, 'available' | 'name'>
      cashiers: Pick<CashierSessions, 'confirm'>
    },
    private readonly hooks: TillHooks,
    private readonly log: Logger,
  ) {
    this.vouchers = services.vouchers
    this.members = services.members
    this.payments = services.payments
    this.cashiers = services.cashiers
  }

  start(): Promise<void> {
    // The screen's list survives a restart: voucher outcomes are in the journal.
    for (const { outcome, device, cashier, voided } of this.vouchers.recentOutcomes(HISTORY).reverse()) {
      this.recent.push({
        device,
        cashier,
        kind: 'voucher',
        ...this.fromRedeemOutcome(outcome),
        ...(voided ? { voided } : {}),
      })
    }
    this.scans.claim('till', (draft, durable) => {
      this.handleScan(draft, durable).catch((err: unknown) =>
        this.log.error({ err, scanId: draft.id }, 'till scan handling failed'),
      )
    })
    return Promise.resolve()
  }

  stop(): Promise<void> {
    this.scans.claim('till', null)
    this.listeners.clear()
    return Promise.resolve()
  }

  /** Results newest first (the cashier screen's list). */
  history(): TillResult[] {
    return [...this.recent].reverse()
  }

  /** The member a recent member scan on `device` identified, if it is still recent (the member is at the till). */
  memberScanned(resultId: string, device: string, now = Date.now()): string | null {
    const r = this.recent.find((x) => x.id === resultId)
    if (!r || r.kind !== 'member' || !r.ok || !r.memberId || r.device !== device) return null
    return now - r.time <= MEMBER_PRESENT_MS ? r.memberId : null
  }

  /** The wallet payment code a recent scan on `device` read (a retry of the same top-up reads it again). */
  walletCodeScanned(resultId: string, device: string, now = Date.now()): string | null {
    const w = this.walletCodes.get(resultId)
    return w && w.device === device && now - w.time <= WALLET_CODE_MS ? w.code : null
  }

  /** Screens listening now; each stream unsubscribes when it closes. */
  get subscribers(): number {
    return this.listeners.size
  }

  subscribe(listener: TillListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /**
   * Handles one till scan end to end. Called in the tick the scan's append was submitted:
   * the voucher service journals its outcome synchronously too, so both share a commit.
   * Resolves null (and shows nothing) when the scan could not be recorded.
   */
  async handleScan(draft: ScanDraft, durable: Promise<JournaledScan | null>): Promise<TillResult | null> {
    const cls = classifyScan(draft.data)
    const cashier = this.hooks.cashierFor(draft.deviceId)
    const redeemed =
      cls.kind === 'voucher'
        ? this.vouchers
            .redeem(cls.code, { device: draft.deviceId, cashier, source: { scanId: draft.id } })
            .then((o) => this.fromRedeemOutcome(o))
        : null
    // A member's QR is checked now, so a card payment armed on this till joins the scan's commit.
    const who = cls.kind === 'member' ? this.members.identify(cls.code, draft.time) : null
    const paid = who?.ok
      ? (this.hooks.payOnScan?.(draft.deviceId, who.memberId) ?? null)
      : who?.reason === 'unknown_member' && cls.kind === 'member'
        ? (this.hooks.payElsewhereOnScan?.(draft.deviceId, cls.code) ?? null)
        : null
    const scan = await durable
    if (!scan) {
      await redeemed?.catch(() => undefined) // failed with the scan's batch; the pipeline logged it
      await paid?.catch(() => undefined)
      return null
    }
    let outcome: Outcome
    switch (cls.kind) {
      case 'voucher':
        outcome = await redeemed!
        break
      case 'payment':
        this.keepWalletCode(scan.id, draft.deviceId, cls.code, scan.time)
        // Wallet codes expire within about a minute: never queued. With no reachable provider, refused at once.
        outcome = this.payments.available()
          ? scanOnly(scan, 'payment_code', `${cls.provider} payment code`)
          : scanOnly(
              scan,
              'payment_offline',
              `${cls.provider} payment code; ${this.payments.name} provider not reachable`,
            )
        break
      case 'product':
        outcome = scanOnly(scan, 'product', `${cls.format} ${cls.gtin}`)
        break
      case 'member': {
        const w = who! // identified in the scan's tick, above
        outcome = w.ok
          ? {
              ...scanOnly(scan, 'member', `member ${w.memberId}`),
              ok: true,
              reason: null,
              memberId: w.memberId,
              ...(paid ? { cardMove: await paid } : {}),
            }
          : paid
            ? await paidElsewhere(scan, paid)
            : scanOnly(
                scan,
                w.reason === 'malformed'
                  ? 'malformed_member'
                  : w.reason === 'bad_signature'
                    ? 'forged_member'
                    : w.reason,
                w.detail,
              )
        break
      }
      default:
        outcome = scanOnly(scan, 'unknown', cls.detail)
    }
    const result: TillResult = { device: draft.deviceId, cashier, kind: cls.kind, ...outcome }
    this.publish(result)
    void this.hooks.feedback(draft.deviceId, result.ok)
    if (result.ok && result.redemptionId) {
      this.hooks
        .redeemed?.(result)
        .catch((err: unknown) =>
          this.log.error({ err, redemptionId: result.redemptionId }, 'redemption slip not queued'),
        )
    }
    return result
  }

  /**
   * A void, from the cashier screen or the POS: the cashier's PIN again (`source`, the
   * asking address, counts towards the lockout), the void in the journal, and every cashier
   * screen told. Throws LoginError (wrong_pin, locked_out).
   */
  async void(req: {
    redemptionId: string
    cashier: string
    pin: string
    source: string
    reason: string | null
    device: string | null
  }): Promise<VoidOutcome> {
    if (!(await this.cashiers.confirm(req.cashier, req.pin, req.source)))
      throw new LoginError('wrong_pin', 'wrong cashier or PIN')
    const outcome = await this.vouchers.void(req.redemptionId, req.cashier, req.reason, req.device)
    if (outcome.ok) this.markVoided(req.redemptionId)
    return outcome
  }

  private keepWalletCode(id: string, device: string, code: string, time: number): void {
    this.walletCodes.set(id, { code, device, time })
    for (const key of this.walletCodes.keys()) {
      if (this.walletCodes.size <= WALLET_CODES) break
      this.walletCodes.delete(key) // oldest first
    }
  }

  private fromRedeemOutcome(o: RedeemOutcome): Outcome {
    return fromRedeemOutcome(o, (id) => this.vouchers.authority.storeName(id))
  }

  /** Marks a listed redemption voided and tells the screens. */
  private markVoided(redemptionId: string): void {
    const r = this.recent.find((x) => x.redemptionId === redemptionId)
    if (!r) return
    r.voided = true
    this.publish({ ...r })
  }

  private publish(result: TillResult): void {
    const i = this.recent.findIndex((r) => r.id === result.id)
    if (i >= 0) this.recent[i] = result
    else {
      this.recent.push(result)
      if (this.recent.length > HISTORY) this.recent.shift()
    }
    for (const l of this.listeners) {
      try {
        l(result)
      } catch (err) {
        this.log.error({ err }, 'till listener failed')
      }
    }
  }
}

type Outcome = Omit<TillResult, 'device' | 'cashier' | 'kind'>

function fromRedeemOutcome(o: RedeemOutcome, storeName: (id: string) => string): Outcome {
  if (o.ok) {
    return {
      id: o.redemptionId,
      seq: o.seq,
      time: o.time,
      ok: true,
      reason: null,
      headline: localized('till.valid'),
      advice: null,
      detail: o.maxUses > 1 ? `use ${o.use} of ${o.maxUses}` : '',
      ...(o.maxUses > 1 ? { uses: { use: o.use, of: o.maxUses } } : {}),
      handOver: o.voucher.value ? handOverText(o.voucher.value) : null,
      voucher: o.voucher,
      redemptionId: o.redemptionId,
    }
  }
  return {
    id: `r${o.seq}`,
    seq: o.seq,
    time: o.time,
    ok: false,
    reason: o.reason,
    ...reasonText(o.reason),
    detail: o.detail,
    handOver: null,
    voucher: o.voucher,
    previous: o.previous && { ...o.previous, storeName: storeName(o.previous.store) },
  }
}

/** Another store's member paid (or was refused) from their card, as their home store answered. */
async function paidElsewhere(scan: JournaledScan, paid: Promise<TillCardMove>): Promise<Outcome> {
  const cardMove = await paid
  if (!cardMove.ok)
    return {
      ...scanOnly(scan, cardMove.error === 'needs_connection' ? 'needs_connection' : 'card_refused', cardMove.message),
      cardMove,
    }
  const home = cardMove.home!
  return { ...scanOnly(scan, 'member', `member of ${home.name} (${home.store})`), ok: true, reason: null, cardMove }
}

function scanOnly(scan: JournaledScan, reason: string, detail: string): Outcome {
  return {
    id: scan.id,
    seq: scan.seq,
    time: scan.time,
    ok: false,
    reason,
    ...reasonText(reason),
    detail,
    handOver: null,
  }
}
