/**
 * The gateway: `Gateway.open()` takes the data-dir lock and composes every module
 * (compose.ts); `start()` runs them — journal first, devices only after the till
 * listens (so no scan goes unhandled), the guest listener after its access rules;
 * `stop()` is the reverse, which is exactly "stop intake (HTTP, ports), flush group
 * commit, close the DB", and then lets go of the lock.
 */
import { resolve } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { moduleLogger } from '../log.js'
import { startModules, stopModules, type Module } from '../lifecycle.js'
import { flushTallies } from '../log-tally.js'
import { DataDirLock } from './data-dir-lock.js'
import { compose, type ComposeOptions, type Composition } from './compose.js'

export { DB_FILE, MEMBER_KEY_FILE, databasePath } from './compose.js'
export type GatewayOptions = ComposeOptions

export class Gateway {
  readonly bus: Composition['bus']
  readonly journal: Composition['journal']
  readonly integrity: Composition['integrity']
  readonly scans: Composition['scans']
  readonly devices: Composition['devices']
  readonly print: Composition['print']
  readonly sync: Composition['sync']
  readonly authority: Composition['authority']
  readonly kiosk: Composition['kiosk']
  readonly vouchers: Composition['vouchers']
  readonly members: Composition['members']
  readonly pos: Composition['pos']
  readonly cards: Composition['cards']
  readonly retention: Composition['retention']
  readonly messages: Composition['messages']
  readonly fanOut: Composition['fanOut']
  readonly webhook: Composition['webhook']
  readonly cashiers: Composition['cashiers']
  readonly till: Composition['till']
  private started: Module[] = []

  /** Holds the data dir and composes every module (creating first-run keys under the lock); nothing listens or journals until start(). */
  static async open(opts: GatewayOptions, signal?: AbortSignal): Promise<Gateway> {
    const lock = new DataDirLock(resolve(opts.config.dataDir))
    await lock.start(signal)
    try {
      return new Gateway(opts, lock, await compose(opts))
    } catch (err) {
      await lock.stop()
      throw err
    }
  }

  private constructor(
    private readonly opts: GatewayOptions,
    private readonly lock: DataDirLock,
    private readonly parts: Composition,
  ) {
    this.bus = parts.bus
    this.journal = parts.journal
    this.integrity = parts.integrity
    this.scans = parts.scans
    this.devices = parts.devices
    this.print = parts.print
    this.sync = parts.sync
    this.authority = parts.authority
    this.kiosk = parts.kiosk
    this.vouchers = parts.vouchers
    this.members = parts.members
    this.pos = parts.pos
    this.cards = parts.cards
    this.retention = parts.retention
    this.messages = parts.messages
    this.fanOut = parts.fanOut
    this.webhook = parts.webhook
    this.cashiers = parts.cashiers
    this.till = parts.till
  }

  get address(): string {
    return this.parts.http.address
  }

  /** The guest Wi-Fi listener's address ('' without the portal). */
  get guestAddress(): string {
    return this.parts.guestHttp?.address ?? ''
  }

  get app(): FastifyInstance {
    return this.parts.http.app
  }

  async start(signal: AbortSignal = new AbortController().signal): Promise<void> {
    const { config, log } = this.opts
    const p = this.parts
    const portal = p.portal ? [p.portal.controller, p.portal.sessions, p.guestHttp!] : []
    try {
      this.started = await startModules(
        [
          p.journal,
          p.pos.protocol,
          p.pos.refunds,
          p.kiosk,
          p.print,
          p.till,
          p.kioskScans,
          p.devices,
          p.http,
          ...portal,
          p.sync,
          p.integrity,
          p.retention,
          p.fanOut,
          ...(p.webhook ? [p.webhook] : []),
        ],
        signal,
        moduleLogger(log, 'gateway:lifecycle'),
      )
    } catch (err) {
      await this.lock.stop() // what started is stopped already; a failed gateway holds nothing
      throw err
    }
    log.info({ address: this.address, store: config.store.id, devices: config.devices.length }, 'gateway started')
  }

  async stop(): Promise<void> {
    const started = this.started
    this.started = []
    await stopModules([this.lock, ...started], moduleLogger(this.opts.log, 'gateway:lifecycle'))
    flushTallies()
    this.opts.log.info('gateway stopped')
  }
}
