/**
 * The cloud's answers to store requests (MQTT 5 request/response). The answer goes to
 * the request's response topic and carries its correlation data (or, on 3.1.1, to the
 * payload's replyTo with the id) — but only to a topic in the asking store's own tree:
 * a request cannot make the cloud publish into another store's topics.
 */
import type { Logger } from '../../gateway/log.js'
import { Tally } from '../../gateway/log-tally.js'
import {
  CONTRACT_VERSION,
  ContractError,
  ROOT,
  parseOtpSend,
  parseRpcRequest,
  parseVoucherCheck,
  topics,
  type OtpSendRequest,
  type RpcResponse,
} from '../contract.js'
import { OTP_SEND } from '../otp-sender.js'
import type { Link, LinkMessage } from '../link.js'
import { VOUCHER_CHECK } from '../voucher-check.js'
import type { CloudDb } from './cloud-db.js'
import type { CardRelay } from './card-relay.js'
import { CARD_DEBIT } from '../card-contract.js'

const EXPIRY_GRACE_MS = 2_000

type Answer = Pick<RpcResponse, 'status' | 'reason' | 'detail' | 'allowedUses' | 'card'>

export class RpcResponder {
  answered = 0
  /** Card payments at another store (set by the ingest); without it card-debit is an unknown method. */
  cardRelay: CardRelay | null = null
  private readonly tally: Tally

  constructor(
    private readonly db: CloudDb,
    private readonly link: Link,
    private readonly log: Logger,
    /**
     * Hands a portal code to the SMS service. The reference ingest has none: it logs the
     * code (a development cloud) unless a test or a real deployment puts its own here.
     */
    readonly deliverCode: (store: string, req: OtpSendRequest) => void = (store, req) =>
      log.warn(
        { store, phoneEnd: req.phone.slice(-4), code: req.code },
        'one-time code (reference cloud: no SMS service, logged only)',
      ),
  ) {
    this.tally = new Tally(log, 'cloud requests in the last minute')
  }

  /** A request on tillside/v1/{store}/rpc/{method}; ContractError when it cannot be answered at all. */
  onRequest(store: string, method: string, m: LinkMessage): void {
    const request = parseRpcRequest(m.payload)
    const replyTo = m.responseTopic ?? request.replyTo ?? topics.rpcReply(store)
    if (!replyTo.startsWith(`${ROOT}/${store}/`))
      throw new ContractError(`response topic ${replyTo} is outside store ${store}'s topics`)
    // The asker has given up (held by the broker while this ingest was away): do nothing.
    // A few seconds' grace for clocks that are not quite in step.
    if (request.expiresAt !== undefined && Date.now() > request.expiresAt + EXPIRY_GRACE_MS) {
      this.log.debug({ store, method, id: request.id }, 'expired request dropped')
      this.tally.add('expiredDropped')
      return
    }
    const relay = this.cardRelay
    const answer =
      method === CARD_DEBIT && relay
        ? relay.debit(store, request.body, request.expiresAt).catch((err: unknown): Answer => {
            if (err instanceof ContractError) return badRequest(err)
            this.log.error({ err, store, method }, 'request failed')
            return { status: 'error', reason: 'failed', detail: (err as Error).message }
          })
        : this.answer(store, method, request.body).catch((err: unknown): Answer => {
            this.log.error({ err, store, method }, 'request failed')
            return { status: 'error', reason: 'failed', detail: (err as Error).message }
          })
    const correlationData = m.correlationData ?? Buffer.from(request.id)
    void answer.then((a) => {
      const response: RpcResponse = { v: CONTRACT_VERSION, id: request.id, ...a }
      this.answered++
      this.link
        .publish(replyTo, JSON.stringify(response), { qos: 1, correlationData })
        .catch((err: Error) => this.log.debug({ store, err: err.message }, 'answer not sent; the store will time out'))
    })
  }

  private async answer(store: string, method: string, body: unknown): Promise<Answer> {
    try {
      if (method === OTP_SEND) {
        const req = parseOtpSend(body)
        try {
          this.deliverCode(store, req)
        } catch (err) {
          // The SMS service said no: the guest is told at once, and the ingest goes on.
          this.log.warn({ store, err: (err as Error).message }, 'one-time code not delivered')
          return { status: 'error', reason: 'not_sent', detail: (err as Error).message }
        }
        return { status: 'ok', reason: null, detail: null }
      }
      if (method !== VOUCHER_CHECK) return { status: 'error', reason: 'unknown_method', detail: `no method ${method}` }
      const check = parseVoucherCheck(body)
      const claim = await this.db.claimVoucher(store, check.voucherKey, check.maxUses, check.localUses)
      if (claim.ok) {
        this.tally.add('onlineChecksAllowed')
        return { status: 'ok', reason: null, detail: null, allowedUses: claim.allowedUses }
      }
      this.log.debug({ store, voucher: check.voucherKey, detail: claim.detail }, 'online check refused')
      this.tally.add('onlineChecksRefused')
      return { status: 'refused', reason: 'already_redeemed', detail: claim.detail }
    } catch (err) {
      return badRequest(err)
    }
  }
}

function badRequest(err: unknown): Answer {
  if (!(err instanceof ContractError)) throw err
  return { status: 'error', reason: 'bad_request', detail: err.message }
}
