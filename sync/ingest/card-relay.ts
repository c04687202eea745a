/**
 * The cloud's part in paying from a member card at another store of the same merchant
 * (sync/card-contract.ts): find the member's home store, check both stores belong to one
 * merchant and the home store is connected, ask it, relay its answer — all within the
 * paying store's deadline, or "needs connection". And the clean-up: a payment the paying
 * store gave up on is taken back at home (command card-cancel), retried until answered.
 */
import { createHash } from 'node:crypto'
import type { Logger } from '../../gateway/log.js'
import { CARD_CANCEL, CARD_DEBIT, NO_ANSWER, parseCardDebit, type HomeCardDebit } from '../card-contract.js'
import type { RpcResponse } from '../contract.js'
import type { CloudCardsDb } from './cloud-db.js'
import type { CommandSender } from './command-sender.js'
import type { StoreAsker } from './store-asker.js'

type Answer = Pick<RpcResponse, 'status' | 'reason' | 'detail' | 'card'>

/** Without a deadline from the asker (an old store): how long the cloud waits for the home store. */
const DEFAULT_WAIT_MS = 3_000
/** The home store is given this share of the time left, so its answer is back at the paying store in time. */
const HOME_SHARE = 0.75
const CANCEL_EVERY_MS = 60_000

const refused = (reason: string, detail: string): Answer => ({ status: 'refused', reason, detail })

export class CardRelay {
  private readonly cancelling = new Set<string>()
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly cards: CloudCardsDb,
    private readonly asker: StoreAsker,
    private readonly sender: CommandSender,
    private readonly log: Logger,
  ) {}

  /** rpc/card-debit from store `from`; throws ContractError for a malformed request. */
  async debit(from: string, body: unknown, expiresAt: number | undefined): Promise<Answer> {
    const req = parseCardDebit(body)
    const home = await this.cards.homeOf(req.memberId)
    if (!home) return refused('unknown_member', "no store of this merchant knows this member's card")
    if (home === from)
      return { status: 'error', reason: 'bad_request', detail: 'the member belongs to the asking store' }
    const merchant = await this.cards.merchantOf(from)
    if (!merchant || merchant !== (await this.cards.merchantOf(home)))
      return refused('other_merchant', "the member's card belongs to another merchant's stores")
    if (!(await this.cards.isOnline(home)))
      return refused('needs_connection', `the member's home store (${home}) is offline`)
    const now = Date.now()
    const left = (expiresAt ?? now + DEFAULT_WAIT_MS) - now
    const ask: HomeCardDebit = { ...req, from }
    const answer = await this.asker.ask(home, CARD_DEBIT, ask, now + Math.floor(left * HOME_SHARE))
    if (!answer) {
      // It may have been made there all the same: taken back, and the paying store closes the key.
      await this.cards.addCancel(from, req.key, home)
      this.flushCancels()
      return refused(NO_ANSWER, `the member's home store (${home}) did not answer in time`)
    }
    this.log.info({ from, home, status: answer.status, reason: answer.reason }, 'card payment at another store')
    return {
      status: answer.status,
      reason: answer.reason,
      detail: answer.detail,
      ...(answer.card ? { card: answer.card } : {}),
    }
  }

  start(): void {
    this.timer = setInterval(() => this.flushCancels(), CANCEL_EVERY_MS)
    this.timer.unref()
    this.flushCancels()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  /** Tells home stores to take back the payments given up on; each until its home store answers. */
  flushCancels(): void {
    this.cards.pendingCancels().then(
      (pending) => this.sendCancels(pending),
      (err: Error) => this.log.warn({ err: err.message }, 'card cancels not read; next round'),
    )
  }

  private async sendCancels(pending: { from: string; key: string; home: string }[]): Promise<void> {
    for (const c of pending) {
      const id = `card-cancel-${createHash('sha256').update(`${c.from}\n${c.key}`).digest('hex').slice(0, 40)}`
      if (this.cancelling.has(id) || !(await this.cards.isOnline(c.home))) continue
      this.cancelling.add(id)
      this.sender
        .send(c.home, CARD_CANCEL, { from: c.from, key: c.key }, id)
        .then(async (result) => {
          // A refusal other than a failure is an answer too (nothing to take back): done either way.
          if (result.status === 'ok' || result.reason !== 'failed')
            await this.cards.cancelDone(c.from, c.key, `${result.status}: ${result.detail ?? result.reason ?? ''}`)
        })
        .catch((err: Error) => this.log.info({ home: c.home, err: err.message }, 'card cancel not answered yet'))
        .finally(() => this.cancelling.delete(id))
    }
  }
}
