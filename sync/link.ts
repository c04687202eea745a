/**
 * What the relay and the command handlers need from the broker connection. Only
 * sync/mqtt-link.ts knows mqtt.js; everything else talks to this.
 */
export interface LinkMessage {
  topic: string
  payload: Buffer
  /** MQTT 5 request/response properties (absent on 3.1.1). */
  responseTopic?: string
  correlationData?: Buffer
}

export interface PublishOptions {
  qos: 0 | 1
  retain?: boolean
  /** MQTT 5 request/response properties; dropped on 3.1.1 (the payload must carry them too). */
  responseTopic?: string
  correlationData?: Buffer
  /** MQTT 5 message expiry: the broker drops the message undelivered after this long. */
  expirySeconds?: number
}

export interface Link {
  /** True between 'up' and 'down'. */
  readonly connected: boolean
  /** MQTT protocol version in use (5, or 4 for 3.1.1 brokers such as the embedded one). */
  readonly protocolVersion: 4 | 5
  /** Resolves when the broker acknowledged (PUBACK for QoS 1); rejects at once when not connected. */
  publish(topic: string, payload: string | Buffer, opts: PublishOptions): Promise<void>
  /** Drops the connection and connects again (a link that takes writes but answers nothing). */
  reconnect(reason: string): void
  on(event: 'up', listener: () => void): this
  on(event: 'down', listener: (reason: string) => void): this
  on(event: 'message', listener: (message: LinkMessage) => void): this
}

export class LinkDownError extends Error {
  override readonly name = 'LinkDownError'
  readonly code = 'link_down'
}
