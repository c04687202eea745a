/**
 * The reference cloud ingest (`tillside cloud`): takes every store's event batches,
 * stores them once by (store, seq), and acknowledges the contiguous high-water mark
 * after the events are on disk. With a shared subscription ($share/…) several ingest
 * processes split the load behind one broker or cluster; the database dedupes.
 */
import type { Logger } from '../../gateway/log.js'
import { Tally } from '../../gateway/log-tally.js'
import { CONTRACT_VERSION, ContractError, ROOT, parseBatch, topics, type Ack } from '../contract.js'
import type { Link, LinkMessage } from '../link.js'
import type { CloudStore } from './cloud-store.js'
import { RpcResponder } from './rpc-responder.js'
import { CommandSender } from './command-sender.js'
import { PipeSummaries } from './pipe-summaries.js'
import { StoreAsker } from './store-asker.js'
import { CardRelay } from './card-relay.js'

export interface IngestOptions {
  /** Subscribe through a shared subscription group (MQTT 5 brokers, and Mosquitto on 3.1.1). */
  shared: boolean
  maxBatchBytes: number
  /** How often stores whose vouchers were redeemed elsewhere get the pipe's departures (ms). */
  summaryEveryMs?: number
}

/** Five minutes: the figures are for a manager's page, not the till. */
export const SUMMARY_EVERY_MS = 300_000

export const SHARE_GROUP = 'tillside-ingest'

/**
 * Events and requests (shared or not), presence, and the stores' command results and
 * answers to asks (not shared: each reaches the process that is waiting for it).
 */
export function ingestSubscriptions(shared: boolean): string[] {
  const share = (topic: string) => (shared ? `$share/${SHARE_GROUP}/${topic}` : topic)
  return [
    share(`${ROOT}/+/events`),
    share(`${ROOT}/+/rpc/+`),
    `${ROOT}/+/status`,
    `${ROOT}/+/cmd-result`,
    `${ROOT}/+/answer`,
  ]
}

export interface IngestStats {
  batches: number
  events: number
  duplicates: number
  refused: number
  alerts: number
}

export class Ingest {
  readonly stats: IngestStats = { batches: 0, events: 0, duplicates: 0, refused: 0, alerts: 0 }
  private readonly resendAsked = new Map<string, { seq: number; at: number }>()
  readonly rpc: RpcResponder
  readonly summaries: PipeSummaries
  readonly cards: CardRelay
  private readonly asker: StoreAsker
  private readonly tally: Tally

  constructor(
    readonly store: CloudStore,
    private readonly link: Link,
    private readonly opts: IngestOptions,
    private readonly log: Logger,
  ) {
    this.rpc = new RpcResponder(store, link, log)
    const sender = new CommandSender(link, log)
    this.summaries = new PipeSummaries(store, sender, opts.summaryEveryMs ?? SUMMARY_EVERY_MS, log)
    this.summaries.start()
    this.asker = new StoreAsker(link, log)
    this.cards = new CardRelay(store.cards, this.asker, sender, log)
    this.rpc.cardRelay = this.cards
    this.cards.start()
    link.on('down', () => this.asker.abandonAll())
    this.tally = new Tally(log, 'stored in the last minute')
    link.on('message', (m) => this.onMessage(m))
  }

  private onMessage(m: LinkMessage): void {
    if (!m.topic.startsWith(`${ROOT}/`)) return
    const [store, kind, method] = m.topic.slice(ROOT.length + 1).split('/')
    if (!store) return
    try {
      if (kind === 'events') this.onBatch(store, m.payload)
      else if (kind === 'status') this.onStatus(store, m.payload)
      else if (kind === 'rpc' && method) this.rpc.onRequest(store, method, m)
      else if (kind === 'answer') this.asker.onAnswer(store, m)
    } catch (err) {
      this.stats.refused++
      if (!(err instanceof ContractError)) throw err
      this.log.warn({ store, topic: m.topic, err: err.message }, 'message refused')
    }
  }

  private onBatch(store: string, payload: Buffer): void {
    const batch = parseBatch(payload, this.opts.maxBatchBytes)
    if (batch.store !== store) throw new ContractError(`batch for store ${batch.store} published on ${store}'s topic`)
    const result = this.store.ingest(batch)
    this.summaries.mark(result.departures)
    if (result.inserted > 0 && batch.events.some((e) => e.type === 'card.remote_abandoned')) this.cards.flushCancels()
    this.stats.batches++
    this.stats.events += result.inserted
    this.stats.duplicates += result.duplicates
    if (result.gap) {
      // Several batches in flight behind one hole each land here: ask once per hole and second.
      const asked = this.resendAsked.get(store)
      if (asked && asked.seq === result.contiguous && Date.now() - asked.at < 1000) return
      this.resendAsked.set(store, { seq: result.contiguous, at: Date.now() })
      this.log.info(
        { store, contiguous: result.contiguous, first: batch.events[0]!.seq },
        'gap: batch refused, store asked to send again',
      )
    }
    for (const a of result.alerts) {
      this.stats.alerts++
      this.log.warn({ store, kind: a.kind, detail: a.detail }, 'alert')
    }
    const ack: Ack = { v: CONTRACT_VERSION, seq: result.contiguous, ...(result.gap ? { resend: true } : {}) }
    this.link
      .publish(topics.ack(store), JSON.stringify(ack), { qos: 1 })
      .catch((err: Error) => this.log.debug({ store, err: err.message }, 'ack not sent; the store will resend'))
    this.log.debug({ store, events: result.inserted, acked: result.contiguous }, 'batch stored')
    this.tally.add('batches')
    this.tally.add('events', result.inserted)
    this.tally.add('duplicates', result.duplicates)
  }

  /** Stops the summaries' timer (the link is its owner's to stop). */
  stop(): void {
    this.summaries.stop()
    this.cards.stop()
  }

  private onStatus(store: string, payload: Buffer): void {
    if (payload.length === 0) return // a cleared retained status
    let status: { state?: unknown; merchant?: unknown }
    try {
      status = JSON.parse(payload.toString()) as { state?: unknown; merchant?: unknown }
    } catch {
      throw new ContractError('status is not JSON')
    }
    if (status?.state !== 'online' && status.state !== 'offline')
      throw new ContractError('status.state must be online or offline')
    this.store.setStatus(store, status.state)
    if (status.state === 'online') {
      // The birth says which merchant the store belongs to (none: its cards are its own).
      this.store.cards.setMerchant(store, typeof status.merchant === 'string' ? status.merchant : null)
      // A store that comes online gets its departures (maybe none) soon, so its page has a count and a time.
      this.summaries.mark([store])
      this.cards.flushCancels()
    }
    this.log.info({ store, state: status.state }, 'store status')
  }
}
