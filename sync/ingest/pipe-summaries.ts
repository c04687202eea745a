/**
 * The closed pipe's departures, sent down to the stores that issued the vouchers: every
 * voucher an issuer gave out and a partner store redeemed, per partner and campaign, with
 * its worth, over the last 1, 7, 30 and 90 days — a store cannot see them itself, since
 * the redemptions happened elsewhere. The ingest counts them per hour as it stores the
 * batches (the cloud database's departures) and marks the issuer; every `intervalMs` each
 * marked issuer gets one `pipe-summary` command with the whole picture (it replaces the
 * last one, so a lost or repeated command does no harm). Any ingest of a shared group may
 * send: the figures come from the one database.
 */
import type { Logger } from '../../gateway/log.js'
import { CONTRACT_VERSION } from '../contract.js'
import type { PipeSummary } from '../pipe-summary.js'
import type { CloudDb } from './cloud-db.js'
import type { CommandSender } from './command-sender.js'

export const PIPE_SUMMARY = 'pipe-summary'
export const PIPE_WINDOWS = [1, 7, 30, 90] as const
const DAY_MS = 86_400_000

export class PipeSummaries {
  private readonly dirty = new Set<string>()
  private timer: NodeJS.Timeout | null = null
  sent = 0

  constructor(
    private readonly db: CloudDb,
    private readonly sender: CommandSender,
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.intervalMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  /** Issuers whose vouchers were redeemed elsewhere in a batch just stored. */
  mark(issuers: Iterable<string>): void {
    for (const i of issuers) this.dirty.add(i)
  }

  /** Sends every marked issuer its summary now. */
  async flush(now = Date.now()): Promise<void> {
    for (const issuer of [...this.dirty]) {
      this.dirty.delete(issuer)
      let body: PipeSummary
      try {
        body = await this.summary(issuer, now)
      } catch (err) {
        this.dirty.add(issuer) // the database is away: next time
        this.log.warn({ issuer, err: (err as Error).message }, 'pipe summary not read')
        return
      }
      this.sent++
      // The store may be offline for days: the broker keeps the command; nobody waits for it here.
      this.sender
        .send(issuer, PIPE_SUMMARY, body)
        .catch((err: Error) => this.log.debug({ issuer, err: err.message }, 'pipe summary not answered yet'))
    }
  }

  async summary(issuer: string, now = Date.now()): Promise<PipeSummary> {
    const windows = await Promise.all(
      PIPE_WINDOWS.map(async (days) => ({ days, rows: await this.db.departures(issuer, now - days * DAY_MS) })),
    )
    return { v: CONTRACT_VERSION, at: new Date(now).toISOString(), windows }
  }
}
