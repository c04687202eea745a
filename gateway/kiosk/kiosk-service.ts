/**
 * The kiosk game: who may play, the draw (in the journal's writer, gateway/store/tx/
 * kiosk-tx.ts), the voucher it wins (signed here; Ed25519 is deterministic, so a play's
 * code can be rebuilt from its row at any time), the slip on the kiosk printer, and what
 * the admin sees. The page only animates the result it is given.
 */
import type { Raster } from '../print/logo-raster.js'
import type { Config } from '../../config/schema.js'
import { DocumentError } from '../../config/problems.js'
import { CodedError } from '../../config/coded-error.js'
import type { Journal } from '../store/journal.js'
import type { Logger } from '../log.js'
import type { Module } from '../lifecycle.js'
import { Tally } from '../log-tally.js'
import type { PlayRow } from '../store/tx/kiosk-tx.js'
import { KioskReads } from '../store/read/kiosk-reads.js'
import { PrintReads } from '../store/read/print-reads.js'
import type { PrintService } from '../print/print-service.js'
import { voucherSlip } from '../print/templates.js'
import { expiryMs, hourFromMs, memberTag, voucherKey } from '../vouchers/voucher-code.js'
import type { Campaign } from '../vouchers/campaigns.js'
import type { VoucherAuthority } from '../vouchers/voucher-authority.js'
import { CONSOLATION } from '../store/tx/draw.js'
import { campaignProblems, leaseProblems, parsePrizeLease } from './prize-lease.js'
import { localDay } from './local-day.js'
import { gameRules, type GameRules } from './game-rules.js'

export class KioskError extends CodedError<'not_enrolled' | 'daily_limit' | 'nothing_to_win' | 'unknown_play'> {
  override readonly name = 'KioskError'
}

export interface PlayView {
  id: string
  time: number
  repeat: boolean
  member: string | null
  prize: { id: string; campaign: number; name: Campaign['name']; value: Campaign['value']; consolation: boolean }
  voucher: { code: string; key: string; expiresAt: number; path: string }
  print: { state: string; jobId: string | null; detail: string | null }
  playsLeft: number | null
}

export class KioskService implements Module {
  readonly name = 'kiosk'
  private readonly game: Config['kiosk']['game']
  private readonly printer: string | null

  private readonly tally: Tally
  private readonly reads: KioskReads
  private readonly printReads: PrintReads

  constructor(
    private readonly config: Pick<Config, 'kiosk' | 'printers' | 'store' | 'portal'>,
    private readonly authority: VoucherAuthority,
    private readonly journal: Journal,
    private readonly print: Pick<PrintService, 'enqueue' | 'job'>,
    private readonly log: Logger,
    /** The store's logo as printer dots, on top of every voucher slip. */
    private readonly slipLogo: Raster | null = null,
    /** Whether a member is among the top 20 % by value (kiosk.game.extraPlaysForTop). */
    private readonly isTop: (memberId: string) => boolean = () => false,
  ) {
    this.tally = new Tally(log, 'kiosk plays in the last minute')
    this.reads = new KioskReads(journal)
    this.printReads = new PrintReads(journal)
    this.game = config.kiosk.game
    this.printer = config.printers.find((p) => p.role === 'kiosk')?.id ?? null
  }

  /** Checks the game's campaigns and puts the config's prizes in force when no lease is. */
  async start(): Promise<void> {
    const problems = leaseProblems(this.game.prizes, this.authority, 'kiosk.game.prizes')
    if (this.game.consolation)
      problems.push(
        ...campaignProblems(this.game.consolation.campaign, this.authority, 'kiosk.game.consolation.campaign'),
      )
    if (problems.length > 0) throw new DocumentError('kiosk game', problems)
    // The config's prizes are lease version 0: put in force when they changed, unless the cloud's lease rules.
    const { lease, prizes } = this.reads.stock()
    const version = lease?.version
    const granted = prizes.map(({ id, campaign, granted: stock }) => ({ id, campaign, stock }))
    const wanted = [...this.game.prizes].sort((a, b) => (a.id < b.id ? -1 : 1)) // SQLite's binary order
    const changed =
      JSON.stringify(granted) !== JSON.stringify(wanted.map(({ id, campaign, stock }) => ({ id, campaign, stock })))
    if ((version === undefined && wanted.length > 0) || (version === 0 && changed)) {
      await this.journal.execute('kiosk.lease', { version: 0, validTo: null, prizes: this.game.prizes })
      this.log.info({ prizes: wanted.length }, 'prize lease from the config in force')
    }
  }

  async stop(): Promise<void> {}

  /** Replaces the prize lease (the cloud's prize-inventory command); DocumentError / stale → the command is refused. */
  async replaceLease(body: unknown): Promise<{ applied: boolean; current?: number; prizes: number }> {
    const lease = parsePrizeLease(body, this.authority)
    const { result } = await this.journal.execute('kiosk.lease', {
      version: lease.version,
      validTo: lease.validTo ? Date.parse(lease.validTo) : null,
      prizes: lease.prizes,
    })
    if (!result.applied) return { applied: false, current: result.current, prizes: lease.prizes.length }
    this.log.info({ version: lease.version, prizes: lease.prizes.length }, 'prize lease applied')
    return { applied: true, prizes: lease.prizes.length }
  }

  /** The rules, prizes, odds and draw record customers may read before they play. */
  rules(now = Date.now()): GameRules {
    return gameRules(this.reads, this.authority, this.game, now)
  }

  campaignName(id: number): Campaign['name'] {
    return this.authority.campaigns.get(id)?.name ?? { en: `campaign ${id}` }
  }

  playsLeft(memberId: string, now = Date.now()): number {
    const plays = this.reads.playsOn(memberId, localDay(now))
    return Math.max(0, this.playsPerDay(memberId) - plays)
  }

  /** The day's plays for this member: the store's number, and more for its best members. */
  private playsPerDay(memberId: string): number {
    const extra = this.game.extraPlaysForTop
    return this.game.playsPerMemberPerDay + (extra > 0 && this.isTop(memberId) ? extra : 0)
  }

  /** One play, keyed by the kiosk's request id: asking again returns the same play. */
  /** `phone: true` for plays on the guest's own phone (the portal): no slip is printed. */
  async play(
    req: { playId: string; kiosk: string | null; member: string; phone?: boolean },
    now = Date.now(),
  ): Promise<PlayView> {
    const own = this.authority.ownIssuer()
    if (!own)
      throw new KioskError('not_enrolled', `this gateway's key is not in the trust list, so it cannot issue prizes`)
    // What the draw can land on: the lease's prizes (the config's, or the cloud's) and the consolation.
    const campaigns = [
      ...this.reads.stockCampaigns(),
      ...(this.game.consolation ? [this.game.consolation.campaign] : []),
    ]
    const expiresHour: Record<number, number> = {}
    for (const id of campaigns) {
      const c = this.authority.campaigns.get(id)
      if (c) expiresHour[id] = hourFromMs(this.authority.expiresAt(c, now))
    }
    const { result } = await this.journal.execute('kiosk.play', {
      playId: req.playId,
      day: localDay(now),
      kiosk: req.kiosk,
      member: req.member,
      playsPerDay: this.playsPerDay(req.member),
      consolation: this.game.consolation ?? null,
      kid: own.kid,
      store: this.authority.store.id,
      expiresHour,
    })
    if (!result.ok) {
      if (result.reason === 'daily_limit')
        throw new KioskError(
          'daily_limit',
          `already played ${result.plays} time(s) today (limit ${this.playsPerDay(req.member)})`,
        )
      throw new KioskError('nothing_to_win', 'no prizes in stock and no consolation prize configured')
    }
    if (!result.repeat) {
      this.log.debug(
        { play: req.playId, prize: result.play.prizeId, draw: result.play.draw, kiosk: req.kiosk },
        'kiosk play',
      )
      this.tally.add(req.phone ? 'phonePlays' : 'plays')
    }
    const view = this.view(result.play, result.repeat)
    // Queued once per play (request key), also when the first answer was lost to a reload.
    if (req.phone)
      return {
        ...view,
        print: { state: 'no_printer', jobId: null, detail: 'played on a phone; the QR code is the voucher' },
      }
    return { ...view, print: await this.printSlip(result.play, view.voucher.code) }
  }

  getPlay(id: string): PlayView {
    const row = this.reads.play(id)
    if (!row) throw new KioskError('unknown_play', `no play ${id}`)
    return this.view(row, true)
  }

  /** A member's kiosk vouchers, newest first ("my vouchers"). */
  memberPlays(memberId: string, limit = 20): PlayView[] {
    return this.reads.memberPlayIds(memberId, limit).map((id) => this.getPlay(id))
  }

  /** The voucher slip on the kiosk printer, once per play (the print job's request key is the play id). */
  private async printSlip(row: PlayRow, code: string): Promise<PlayView['print']> {
    if (!this.printer)
      return { state: 'no_printer', jobId: null, detail: 'this kiosk has no printer; the QR code is the voucher' }
    try {
      const campaign = this.authority.campaigns.get(row.campaign)!
      const doc = voucherSlip({
        store: this.config.store,
        address: this.config.portal.store.address,
        logo: this.slipLogo,
        names: this.authority.names(),
        code,
        campaign,
        expiresAt: expiryMs(row.expiresHour),
      })
      const job = await this.print.enqueue(this.printer, doc, 'voucher_slip', `play:${row.id}`)
      const state = this.print.job(job.jobId).state
      return { state, jobId: job.jobId, detail: null }
    } catch (err) {
      this.log.warn({ err, play: row.id }, 'voucher slip not queued; the QR code still holds the voucher')
      return { state: 'failed', jobId: null, detail: (err as Error).message }
    }
  }

  /** The slip's print job as it stands (none yet when the gateway stopped between draw and print). */
  private printState(playId: string): PlayView['print'] {
    const job = this.printReads.jobByRequest(`play:${playId}`)
    if (!this.printer) return { state: 'no_printer', jobId: null, detail: null }
    return job
      ? { state: job.state, jobId: job.id, detail: job.lastError }
      : { state: 'not_queued', jobId: null, detail: null }
  }

  private view(row: PlayRow, repeat: boolean): PlayView {
    const campaign = this.authority.campaigns.get(row.campaign)
    if (!campaign)
      throw new KioskError('unknown_play', `play ${row.id} won campaign ${row.campaign}, which is no longer known`)
    const code = this.authority.codeOf({
      kid: row.kid,
      campaign: row.campaign,
      serial: row.serial,
      expiresHour: row.expiresHour,
      memberTag: memberTag(row.member),
    })
    return {
      id: row.id,
      time: row.time,
      repeat,
      member: row.member,
      prize: {
        id: row.prizeId,
        campaign: row.campaign,
        name: campaign.name,
        value: campaign.value,
        consolation: row.prizeId === CONSOLATION,
      },
      voucher: {
        code,
        key: voucherKey(row),
        expiresAt: expiryMs(row.expiresHour),
        path: `/v/${encodeURIComponent(code)}`,
      },
      print: this.printState(row.id),
      playsLeft: row.member ? this.playsLeft(row.member) : null,
    }
  }
}
