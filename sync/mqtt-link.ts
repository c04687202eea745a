/**
 * The broker connection, over mqtt.js. mqtt.js's own reconnect (every second, forever)
 * and its in-memory offline queue are switched off: each attempt is a fresh client,
 * spaced by capped jittered backoff, and nothing is published while down — the journal
 * is the queue, the relay resends from the checkpoint.
 */
import { EventEmitter } from 'node:events'
import { readFileSync } from 'node:fs'
import { connect, type IClientOptions, type MqttClient } from 'mqtt'
import type { Logger } from '../gateway/log.js'
import { backoffDelay } from '../gateway/backoff.js'
import { LinkDownError, type Link, type PublishOptions } from './link.js'
import { warmMqttPacketCache } from './mqtt-packet-cache.js'

export interface MqttLinkOptions {
  url: string
  clientId: string
  protocolVersion: 4 | 5
  keepaliveSeconds: number
  username?: string
  passwordFile?: string
  tls?: { ca?: string; cert?: string; key?: string }
  /** Topics to subscribe (QoS 1) on every connection, before 'up'. */
  subscriptions: string[]
  /** Last Will, published by the broker if this connection dies without a goodbye. */
  will?: { topic: string; payload: string }
  reconnect: { initialMs: number; maxMs: number }
  /**
   * MQTT 5: how long the broker keeps this session (its subscriptions and the messages
   * queued for it) while it is away. Default a week: a store's commands wait for it.
   */
  sessionExpirySeconds?: number
}

/** How long the broker keeps a store's session (and queued commands) while it is away. */
export const SESSION_EXPIRY_SECONDS = 7 * 86_400

export class MqttLink extends EventEmitter implements Link {
  private client: MqttClient | null = null
  private up = false
  private attempts = 0
  private timer: NodeJS.Timeout | null = null
  private stopped = false

  constructor(
    private readonly opts: MqttLinkOptions,
    private readonly log: Logger,
  ) {
    super()
  }

  get connected(): boolean {
    return this.up
  }

  get protocolVersion(): 4 | 5 {
    return this.opts.protocolVersion
  }

  start(): void {
    this.stopped = false
    void warmMqttPacketCache()
    this.attempt()
  }

  /**
   * Publishes from CONNACK on, not only once 'up': a persistent session's queued messages
   * arrive before our subscriptions are confirmed, and their answers (the ingest's acks)
   * must not be dropped (issue #13: a restarted ingest left stores waiting 20 s).
   */
  publish(topic: string, payload: string | Buffer, opts: PublishOptions): Promise<void> {
    const client = this.client
    if (!client || !client.connected) return Promise.reject(new LinkDownError(`not connected to ${this.opts.url}`))
    return new Promise((resolve, reject) => {
      const properties =
        this.opts.protocolVersion === 5 && (opts.responseTopic || opts.correlationData || opts.expirySeconds)
          ? {
              responseTopic: opts.responseTopic,
              correlationData: opts.correlationData,
              messageExpiryInterval: opts.expirySeconds,
            }
          : undefined
      client.publish(topic, payload, { qos: opts.qos, retain: opts.retain ?? false, properties }, (err) =>
        err ? reject(err) : resolve(),
      )
    })
  }

  reconnect(reason: string): void {
    const client = this.client
    if (!client) return
    this.log.warn({ reason }, 'dropping the broker connection to start afresh')
    client.stream.destroy() // 'close' follows: down, backoff, a fresh client
  }

  /** Closes the connection; `goodbye` is published first (retained status) when connected. */
  async stop(goodbye?: { topic: string; payload: string }): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    const client = this.client
    if (!client) return
    if (goodbye && this.up)
      await this.publish(goodbye.topic, goodbye.payload, { qos: 1, retain: true }).catch(() => undefined)
    this.client = null
    this.up = false
    await new Promise<void>((resolve) => client.end(false, {}, () => resolve()))
  }

  private attempt(): void {
    if (this.stopped) return
    const o = this.opts
    const options: IClientOptions = {
      clientId: o.clientId,
      protocolVersion: o.protocolVersion,
      keepalive: o.keepaliveSeconds,
      // A persistent session: commands sent while the store is offline wait at the broker.
      clean: false,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      queueQoSZero: false,
      resubscribe: false,
      will: o.will ? { topic: o.will.topic, payload: Buffer.from(o.will.payload), qos: 1, retain: true } : undefined,
      username: o.username,
      password: o.passwordFile ? readFileSync(o.passwordFile, 'utf8').trim() : undefined,
      ca: o.tls?.ca ? readFileSync(o.tls.ca) : undefined,
      cert: o.tls?.cert ? readFileSync(o.tls.cert) : undefined,
      key: o.tls?.key ? readFileSync(o.tls.key) : undefined,
      properties:
        o.protocolVersion === 5
          ? { sessionExpiryInterval: o.sessionExpirySeconds ?? SESSION_EXPIRY_SECONDS }
          : undefined,
    }
    let client: MqttClient
    try {
      client = connect(o.url, options)
    } catch (err) {
      this.log.error({ err, url: o.url }, 'cannot connect to the broker')
      this.retryLater(`connect failed: ${(err as Error).message}`)
      return
    }
    this.client = client
    client.on('connect', () => {
      if (this.client !== client) return
      // Requests and their answers are single small packets: Nagle's algorithm held each one
      // back for the peer's delayed ACK (~40 ms a hop on Linux). Batches are large anyway.
      ;(client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true)
      client.subscribe(o.subscriptions, { qos: 1 }, (err) => {
        if (err || this.client !== client) {
          if (err) this.log.error({ err }, 'subscribe failed; reconnecting')
          client.end(true)
          return
        }
        this.attempts = 0
        this.up = true
        this.log.info({ url: o.url, protocolVersion: o.protocolVersion }, 'broker connected')
        this.emit('up')
      })
    })
    client.on('message', (topic, payload, packet) => {
      if (this.client !== client) return
      const { responseTopic, correlationData } = packet.properties ?? {}
      this.emit('message', {
        topic,
        payload,
        ...(responseTopic ? { responseTopic } : {}),
        ...(correlationData ? { correlationData } : {}),
      })
    })
    client.on('error', (err) => this.log.warn({ err: err.message, url: o.url }, 'broker connection error'))
    client.on('close', () => {
      if (this.client !== client) return
      this.client = null
      client.end(true) // discard mqtt.js's in-flight store: the relay resends from the checkpoint
      const wasUp = this.up
      this.up = false
      if (wasUp) this.emit('down', 'connection closed')
      this.retryLater('connection closed')
    })
  }

  private retryLater(reason: string): void {
    if (this.stopped) return
    const delay = backoffDelay(
      this.attempts++,
      this.opts.reconnect.initialMs,
      this.opts.reconnect.maxMs,
      Math.random,
      'full',
    )
    this.log.info({ reason, retryInMs: delay, attempt: this.attempts }, 'broker unavailable; retrying')
    this.timer = setTimeout(() => this.attempt(), delay)
  }
}
