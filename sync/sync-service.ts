/**
 * The gateway's side of cloud sync, as one module: the broker link, the outbox relay,
 * the retained store and device statuses, and (with `sync.broker: embedded`) the
 * in-process broker plus the reference ingest so one machine shows the whole loop.
 */
import { join } from 'node:path'
import type { Config } from '../config/schema.js'
import type { Journal } from '../gateway/store/journal.js'
import type { EventBus } from '../gateway/bus.js'
import type { Module } from '../gateway/lifecycle.js'
import { moduleLogger, type Logger } from '../gateway/log.js'
import { ContractError, parseAck, topics, type StoreStatus } from './contract.js'
import type { MqttLink } from './mqtt-link.js'
import { Relay, type RelayStatus } from './relay.js'
import type { EmbeddedBroker } from './embedded-broker.js'
import type { Ingest } from './ingest/ingest.js'
import type { LinkMessage } from './link.js'
import { CommandRunner } from './commands/command-runner.js'
import { RpcClient } from './rpc-client.js'
import { CloudVoucherCheck } from './voucher-check.js'
import { CloudCodeSender } from './otp-sender.js'
import { CloudCardPayer } from './card-payer.js'
import type { CommandHandlers } from './commands/command-types.js'
import { AskRunner, type AskHandlers } from './ask-runner.js'

export interface SyncSources {
  journal: Journal
  bus: EventBus
  /** Current state of every device (scanners and printers), for the retained device topics. */
  deviceStates: () => { id: string; state: string; reason?: string | null; problem?: string | null; since: string }[]
  version: string
  /** Downlink command handlers (gateway/runtime/command-handlers.ts). */
  commands: CommandHandlers
  /** Answers to the cloud's asks (a member card paid from at another store). */
  asks: AskHandlers
}

export interface SyncStatus extends Partial<RelayStatus> {
  broker: string
  state: 'disabled' | 'connecting' | 'online' | 'offline'
  since: string
  /** Connections made since start (a count above 1 means the link dropped and came back). */
  connects: number
  alarm: string | null
}

/** The embedded ingest's SQLite page cache: it only appends, and the store box has little memory to spare. */
const EMBEDDED_CACHE_KIB = 2000
const ALARM_CHECK_MS = 30_000

/** The Last Will's `at` is when the connection was made: the broker sends it as it was set. */
const offlineStatus = () =>
  JSON.stringify({ v: 1, state: 'offline', at: new Date().toISOString() } satisfies StoreStatus)

export class SyncService implements Module {
  readonly name = 'sync'
  private link: MqttLink | null = null
  private relay: Relay | null = null
  private broker: EmbeddedBroker | null = null
  private ingestLink: MqttLink | null = null
  private ingest: Ingest | null = null
  private runner: CommandRunner | null = null
  private rpc: RpcClient | null = null
  private asks: AskRunner | null = null
  /** For the voucher service: asks the cloud while sync runs, 'unavailable' otherwise. */
  readonly onlineCheck: CloudVoucherCheck
  /** The portal's one-time codes, sent by the cloud (portal.otp.sender: cloud). */
  readonly codeSender: CloudCodeSender
  /** Card payments here for members of the merchant's other stores, asked of their home store through the cloud. */
  readonly cardPayer: CloudCardPayer
  private state: SyncStatus['state'] = 'disabled'
  private since = new Date().toISOString()
  private alarm: string | null = null
  private connects = 0
  private alarmTimer: NodeJS.Timeout | null = null
  private readonly log: Logger

  constructor(
    private readonly config: Pick<Config, 'store' | 'sync' | 'dataDir'>,
    private readonly sources: SyncSources,
    private readonly root: Logger,
  ) {
    this.log = moduleLogger(root, 'sync')
    this.onlineCheck = new CloudVoucherCheck(() => this.rpc, config.sync.onlineCheckTimeoutMs)
    this.codeSender = new CloudCodeSender(() => this.rpc, config.sync.onlineCheckTimeoutMs)
    this.cardPayer = new CloudCardPayer(() => this.rpc, config.sync.onlineCheckTimeoutMs)
  }

  async start(): Promise<void> {
    if (this.config.sync.broker === 'none') return
    try {
      await this.connect()
    } catch (err) {
      await this.stop() // an embedded broker already listening must not outlive a failed start
      throw err
    }
  }

  private async connect(): Promise<void> {
    const { sync, store } = this.config
    // Loaded only when syncing: a store without sync does not pay for MQTT in memory.
    const { MqttLink } = await import('./mqtt-link.js')
    let url = sync.broker
    let protocolVersion = sync.protocolVersion
    if (sync.broker === 'embedded') {
      const { EmbeddedBroker } = await import('./embedded-broker.js')
      this.broker = new EmbeddedBroker()
      url = await this.broker.start(sync.embedded.host, sync.embedded.port)
      protocolVersion = 4
      this.log.info({ url }, 'embedded broker listening')
      if (sync.embedded.ingest) await this.startEmbeddedIngest(url, MqttLink)
    }
    const link = new MqttLink(
      {
        url,
        clientId: sync.clientId ?? `tillside-${store.id}`,
        protocolVersion,
        keepaliveSeconds: sync.keepaliveSeconds,
        username: sync.username,
        passwordFile: sync.passwordFile,
        tls: sync.tls,
        subscriptions: [
          topics.ack(store.id),
          topics.command(store.id, '+'),
          topics.rpcReply(store.id),
          topics.ask(store.id, '+'),
        ],
        will: { topic: topics.status(store.id), payload: offlineStatus() },
        reconnect: sync.reconnect,
      },
      moduleLogger(this.root, 'sync:link'),
    )
    const relay = new Relay(store.id, this.sources.journal, link, sync, moduleLogger(this.root, 'sync:relay'))
    link.on('up', () => this.onUp())
    link.on('down', () => {
      this.setState('offline')
      relay.onDown()
    })
    link.on('message', (m) => this.onMessage(m))
    this.sources.bus.on('sync', 'device.state', (c) =>
      this.publishDevice({ id: c.deviceId, state: c.state, reason: c.reason, since: c.at }),
    )
    this.sources.bus.on('sync', 'printer.state', (c) =>
      this.publishDevice({ id: c.printerId, state: c.state, problem: c.problem, since: c.at }),
    )
    this.link = link
    this.relay = relay
    this.runner = new CommandRunner(
      store.id,
      this.sources.journal,
      link,
      this.sources.commands,
      moduleLogger(this.root, 'sync:commands'),
    )
    this.rpc = new RpcClient(store.id, link, moduleLogger(this.root, 'sync:rpc'))
    this.asks = new AskRunner(store.id, link, this.sources.asks, moduleLogger(this.root, 'sync:asks'))
    relay.start()
    this.setState('connecting')
    link.start()
    this.alarmTimer = setInterval(() => this.checkBacklog(), ALARM_CHECK_MS)
  }

  async stop(): Promise<void> {
    this.sources.bus.off('sync')
    if (this.alarmTimer) clearInterval(this.alarmTimer)
    this.relay?.stop()
    await this.link?.stop({ topic: topics.status(this.config.store.id), payload: offlineStatus() })
    await this.ingest?.stop()
    await this.ingestLink?.stop()
    await this.ingest?.db.close()
    await this.broker?.stop()
    this.rpc?.abandonAll()
    this.link = this.relay = this.ingestLink = this.ingest = this.broker = this.runner = this.rpc = this.asks = null
  }

  status(): SyncStatus {
    return {
      broker: this.config.sync.broker,
      state: this.state,
      since: this.since,
      connects: this.connects,
      alarm: this.alarm,
      ...this.relay?.status(),
    }
  }

  private async startEmbeddedIngest(url: string, Link: typeof MqttLink): Promise<void> {
    const { CloudStore } = await import('./ingest/cloud-store.js')
    const { SqliteCloudDb } = await import('./ingest/sqlite-cloud-db.js')
    const { Ingest, ingestSubscriptions } = await import('./ingest/ingest.js')
    const link = new Link(
      {
        url,
        clientId: 'tillside-embedded-ingest',
        protocolVersion: 4,
        keepaliveSeconds: 30,
        subscriptions: ingestSubscriptions(false),
        reconnect: { initialMs: 100, maxMs: 2000 },
      },
      moduleLogger(this.root, 'cloud:link'),
    )
    const cloud = new CloudStore(join(this.config.dataDir, 'cloud.db'), EMBEDDED_CACHE_KIB)
    this.ingest = new Ingest(
      new SqliteCloudDb(cloud),
      link,
      // One machine shows the whole loop: the pipe's departures come down within seconds.
      // A store box has little memory to spare: a small buffer (its own relay is the only sender).
      { shared: false, maxBatchBytes: 16 * 1024 * 1024, summaryEveryMs: 10_000, buffer: { maxBytes: 4 << 20 } },
      moduleLogger(this.root, 'cloud:ingest'),
    )
    this.ingestLink = link
    const up = new Promise<void>((resolve) => link.once('up', resolve))
    link.start()
    await up
  }

  private onUp(): void {
    this.connects++
    this.setState('online')
    this.reannounce()
    this.relay!.onUp()
  }

  /** Birth and device statuses, retained. On every connect: a broker restarted without persistence has lost them. */
  reannounce(): void {
    const store = this.config.store.id
    if (!this.link?.connected || !this.relay) return
    const { acked, lastSeq } = this.relay.status()
    const birth: StoreStatus = {
      v: 1,
      state: 'online',
      at: new Date().toISOString(),
      version: this.sources.version,
      lastSeq,
      acked,
      ...(this.config.store.merchant === undefined ? {} : { merchant: this.config.store.merchant }),
    }
    this.link!.publish(topics.status(store), JSON.stringify(birth), { qos: 1, retain: true }).catch(() => undefined)
    for (const d of this.sources.deviceStates()) this.publishDevice(d)
  }

  private onMessage(m: LinkMessage): void {
    const store = this.config.store.id
    const commandPrefix = topics.command(store, '')
    const askPrefix = topics.ask(store, '')
    if (m.topic.startsWith(commandPrefix)) void this.runner?.submit(m.topic.slice(commandPrefix.length), m.payload)
    else if (m.topic.startsWith(askPrefix)) void this.asks?.onMessage(m.topic.slice(askPrefix.length), m)
    else if (m.topic === topics.rpcReply(store)) this.rpc?.onMessage(m)
    else if (m.topic === topics.ack(store)) {
      try {
        const ack = parseAck(m.payload)
        this.relay!.onAck(ack.seq, ack.resend).catch((err: Error) =>
          this.log.error({ err }, 'could not record the ack; it will come again'),
        )
      } catch (err) {
        if (!(err instanceof ContractError)) throw err
        this.log.warn({ err: err.message }, 'ack refused')
      }
    }
  }

  private publishDevice(d: {
    id: string
    state: string
    since: string
    reason?: string | null
    problem?: string | null
  }): void {
    if (!this.link?.connected) return
    const body = JSON.stringify({ v: 1, ...d })
    this.link.publish(topics.device(this.config.store.id, d.id), body, { qos: 1, retain: true }).catch(() => undefined)
  }

  private setState(state: SyncStatus['state']): void {
    this.state = state
    this.since = new Date().toISOString()
  }

  private checkBacklog(): void {
    const s = this.relay?.status()
    if (!s) return
    const { events, ageHours } = this.config.sync.backlogAlarm
    const alarm =
      s.backlog >= events
        ? `backlog of ${s.backlog} events (alarm at ${events})`
        : s.oldestWaitingMs !== null && s.oldestWaitingMs > ageHours * 3_600_000
          ? `oldest waiting event is ${Math.round(s.oldestWaitingMs / 3_600_000)} h old (alarm at ${ageHours} h)`
          : null
    if (alarm && !this.alarm)
      this.log.warn(
        { backlog: s.backlog, oldestWaitingMs: s.oldestWaitingMs },
        `sync backlog alarm: ${alarm}; nothing is dropped`,
      )
    if (!alarm && this.alarm) this.log.info({ backlog: s.backlog }, 'sync backlog back under its limits')
    this.alarm = alarm
  }
}
