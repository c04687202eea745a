/**
 * Cross-store double uses, pushed down: when the ingest finds a voucher redeemed beyond
 * its uses (offline redemptions of one voucher at two stores, seen only once the late
 * one's events arrive), every store that redeemed it gets the command double-use with
 * both redemptions and the value at risk, and shows it in its back office. Sent when the
 * store is online, again after a further use, until the store answers; any ingest of a
 * shared group may send (the database says who is still to hear).
 */
import { createHash } from 'node:crypto'
import type { Logger } from '../../gateway/log.js'
import { CONTRACT_VERSION } from '../contract.js'
import { DOUBLE_USE, type DoubleUseNotice } from '../double-use-contract.js'
import type { CloudDb, PendingDoubleUse, VoucherUse } from './cloud-db.js'
import type { CommandSender } from './command-sender.js'

const EVERY_MS = 60_000
const PER_ROUND = 200

export class DoubleUseNotices {
  private readonly sending = new Set<string>()
  private timer: NodeJS.Timeout | null = null
  private flushing: Promise<void> | null = null
  private again = false
  sent = 0

  constructor(
    private readonly db: CloudDb,
    private readonly sender: CommandSender,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => this.flush(), EVERY_MS)
    this.timer.unref()
    this.flush()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  /** Sends what is pending to the stores that are online; one round at a time (a call during one runs another after). */
  flush(): void {
    if (this.flushing) {
      this.again = true
      return
    }
    this.flushing = this.round()
      .catch((err: Error) => this.log.warn({ err: err.message }, 'double uses not read; next round'))
      .finally(() => {
        this.flushing = null
        if (!this.again) return
        this.again = false
        this.flush()
      })
  }

  private async round(): Promise<void> {
    for (const n of await this.db.doubleUses.pending(PER_ROUND)) {
      const id = `double-use-${createHash('sha256').update(`${n.voucherKey}\n${n.store}\n${n.round}`).digest('hex').slice(0, 40)}`
      if (this.sending.has(id) || !(await this.db.cards.isOnline(n.store))) continue
      const uses = await this.db.doubleUses.usesOf(n.voucherKey)
      if (uses.length < 2) {
        await this.db.doubleUses.told(n, 'nothing to tell: fewer than two redemptions held')
        continue
      }
      this.send(id, n, doubleUseNotice(n.voucherKey, uses))
    }
  }

  private send(id: string, n: PendingDoubleUse, body: DoubleUseNotice): void {
    this.sending.add(id)
    this.sent++
    this.sender
      .send(n.store, DOUBLE_USE, body, id)
      .then(async (result) => {
        // A refusal other than a failure is an answer too (a stale or malformed notice): done either way.
        if (result.status === 'ok' || result.reason !== 'failed')
          await this.db.doubleUses.told(n, `${result.status}: ${result.detail ?? result.reason ?? ''}`)
      })
      .catch((err: Error) => this.log.info({ store: n.store, err: err.message }, 'double use not answered yet'))
      .finally(() => this.sending.delete(id))
  }
}

/** The notice from the redemptions the cloud holds (each event's payload says what the voucher was). */
export function doubleUseNotice(voucherKey: string, uses: VoucherUse[], now = Date.now()): DoubleUseNotice {
  const first = uses[0]!.payload
  const maxUses = Math.max(
    1,
    ...uses.map((u) => (Number.isSafeInteger(u.payload.maxUses) ? Number(u.payload.maxUses) : 1)),
  )
  const value = first.value as { amount?: unknown; currency?: unknown } | undefined
  const over = Math.max(0, uses.filter((u) => !u.voided).length - maxUses)
  const atRisk =
    Number.isSafeInteger(value?.amount) && typeof value?.currency === 'string'
      ? { amount: over * (value.amount as number), currency: value.currency }
      : null
  return {
    v: CONTRACT_VERSION,
    voucherKey,
    campaign: Number(voucherKey.split(':')[1]),
    maxUses,
    issuerStore: typeof first.issuerStore === 'string' ? first.issuerStore : null,
    atRisk,
    detectedAt: new Date(now).toISOString(),
    uses: uses.map((u) => ({
      store: u.store,
      storeName: u.storeName,
      seq: u.seq,
      at: new Date(u.time).toISOString(),
      cashier: typeof u.payload.cashier === 'string' ? u.payload.cashier.slice(0, 64) : null,
      voided: u.voided,
    })),
  }
}
