/**
 * The home store's side of a card paid from at another store of its merchant
 * (docs/members.md, "Chains"): the cloud's ask card-debit is checked here as a payment at
 * this till would be — the member's live QR verified with their secret, the balance
 * decided by the same conditional update — and the cloud's command card-cancel takes
 * back a payment the paying store gave up on.
 */
import type { CardsConfig } from '../../config/cards-schema.js'
import { CodedError } from '../../config/coded-error.js'
import type { CardCancel, HomeAnswer, HomeCardDebit } from './chain-types.js'
import type { Logger } from '../log.js'
import type { Journal } from '../store/journal.js'
import type { MemberService } from '../members/member-service.js'
import type { CardService } from './card-service.js'

const refused = (reason: string, detail: string): HomeAnswer => ({ status: 'refused', reason, detail })

export class ChainHome {
  constructor(
    private readonly store: { id: string; name: string },
    private readonly cards: Pick<CardService, 'debit'>,
    private readonly members: Pick<MemberService, 'identify'>,
    private readonly journal: Journal,
    private readonly config: Pick<CardsConfig, 'enabled' | 'acrossStores' | 'currency'>,
    private readonly log: Logger,
  ) {}

  /** ask/card-debit: pay from one of this store's member cards at store `from`. */
  async debit(req: HomeCardDebit): Promise<HomeAnswer> {
    if (!this.config.enabled || !this.config.acrossStores)
      return refused('cards_disabled', "the member's home store does not take its cards at other stores")
    if (req.currency !== this.config.currency)
      return refused('wrong_currency', `the member's card holds ${this.config.currency}, not ${req.currency}`)
    const who = this.members.identify(req.memberCode)
    if (who.ok && who.memberId !== req.memberId)
      return refused('member_not_present', 'the member QR does not name the member asked for')
    if (!who.ok)
      return refused(
        who.reason === 'unknown_member' ? 'unknown_member' : 'member_not_present',
        `the member QR: ${who.detail}`,
      )
    const actor = {
      key: `store:${req.from}`,
      cashier: req.cashier === null ? null : `${req.from}/${req.cashier}`,
      device: `store:${req.from}`,
    }
    try {
      const m = await this.cards.debit(actor, {
        idempotencyKey: req.key,
        memberId: who.memberId,
        amount: req.amount,
        reference: req.reference,
      })
      this.log.info({ from: req.from, memberId: m.memberId, entry: m.entry.id }, 'card paid from at another store')
      return {
        status: 'ok',
        reason: null,
        detail: null,
        card: {
          memberId: m.memberId,
          homeStore: this.store.id,
          homeName: this.store.name,
          entryId: m.entry.id,
          amount: m.entry.amount,
          principal: m.entry.principal,
          bonus: m.entry.bonus,
          balance: m.balance,
          currency: this.config.currency,
          repeated: m.repeated,
        },
      }
    } catch (err) {
      if (err instanceof CodedError) return refused(err.code, err.message)
      throw err
    }
  }

  /** Command card-cancel: what was paid under the given-up payment's key goes back on the card; the key is closed. */
  async cancel(c: CardCancel): Promise<string> {
    const debitKey = `card:store:${c.from}:${c.key}`
    const { result } = await this.journal.execute('card.cancelRemote', {
      debitKey,
      key: `${debitKey}:cancel`,
      requestHash: 'cancel',
      currency: this.config.currency,
      cashier: null,
      device: `store:${c.from}`,
    })
    if (result.cancelled === 'nothing') return result.detail
    const o = result.outcome
    if (!o.ok) return `not taken back: ${o.detail}`
    this.log.warn(
      { from: c.from, memberId: o.memberId, refund: o.entry.id },
      'card payment given up at another store: put back',
    )
    return `put back ${o.entry.amount} on the card (${o.entry.id})`
  }
}
