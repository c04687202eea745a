/**
 * Open guest sessions: durable in the journal (portal_sessions, events for the cloud),
 * indexed in memory by address for the probes, which must answer thousands a second.
 * A timer ends sessions past their length, and those the controller dropped for idleness.
 */
import { randomBytes } from 'node:crypto'
import { PortalReads, type OpenSession } from '../store/read/portal-reads.js'
import type { Journal } from '../store/journal.js'
import type { Logger } from '../log.js'
import type { Module } from '../lifecycle.js'
import type { EndedSession } from '../store/tx/portal-tx.js'
import type { AccessController, GuestClient } from './controllers/controller.js'

export type { OpenSession }

const SWEEP_MS = 10_000

export class PortalSessions implements Module {
  readonly name = 'portal:sessions'
  private readonly byIp = new Map<string, OpenSession>()
  private timer: NodeJS.Timeout | null = null
  private readonly reads: PortalReads

  constructor(
    private readonly journal: Journal,
    private readonly controller: AccessController,
    private readonly opts: { lengthMs: number; idleSeconds: number; devicesPerMember: number; landing: string },
    private readonly log: Logger,
  ) {
    this.reads = new PortalReads(journal)
  }

  async start(): Promise<void> {
    for (const s of this.reads.openSessions(Date.now())) this.byIp.set(s.ip, s)
    await this.controller.restore(
      [...this.byIp.values()].map((s) => ({
        sessionId: s.id,
        member: s.member,
        client: s,
        expiresAt: s.expiresAt,
        idleSeconds: this.opts.idleSeconds,
        landing: this.opts.landing,
      })),
    )
    if (this.byIp.size > 0) this.log.info({ sessions: this.byIp.size }, 'open guest sessions restored')
    this.timer = setInterval(
      () => void this.sweep().catch((err: Error) => this.log.warn({ err: err.message }, 'session sweep failed')),
      SWEEP_MS,
    )
    this.timer.unref()
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  /** The guest's open session, by the address it comes from. */
  /** Guests online now (sessions not yet ended). */
  get openCount(): number {
    return this.byIp.size
  }

  at(ip: string, now = Date.now()): OpenSession | null {
    const s = this.byIp.get(ip)
    return s && s.expiresAt > now ? s : null
  }

  byId(id: string, now = Date.now()): OpenSession | null {
    const row = this.reads.session(id)
    return row && row.expiresAt > now ? row : null
  }

  /** Records a new session (ending what it replaces) and returns it; the caller authorises it. */
  async open(member: string, client: GuestClient, controller: string): Promise<OpenSession> {
    const session: OpenSession = {
      id: randomBytes(12).toString('base64url'),
      member,
      ip: client.ip,
      mac: client.mac,
      expiresAt: Date.now() + this.opts.lengthMs,
    }
    const { result } = await this.journal.execute('portal.start', {
      sessionId: session.id,
      member,
      ip: client.ip,
      mac: client.mac,
      randomisedMac: client.mac !== null && isRandomisedMac(client.mac),
      controller,
      expiresAt: session.expiresAt,
      devicesPerMember: this.opts.devicesPerMember,
    })
    await this.forget(result.ended)
    this.byIp.set(session.ip, session)
    return session
  }

  /** Ends sessions (logout, expiry, idleness) and takes the guests off the network. */
  async end(ids: string[], reason: string): Promise<void> {
    if (ids.length === 0) return
    const { result } = await this.journal.execute('portal.end', { ids, reason })
    await this.forget(result.ended)
  }

  async sweep(now = Date.now()): Promise<void> {
    const expired = [...this.byIp.values()].filter((s) => s.expiresAt <= now).map((s) => s.id)
    await this.end(expired, 'expired')
    const idle = await this.controller.idleClients()
    if (!idle) return
    const gone = idle.flatMap((c) => {
      const s = this.byIp.get(c.ip)
      return s && s.mac === c.mac ? [s.id] : []
    })
    await this.end(gone, 'idle')
  }

  private async forget(ended: EndedSession[]): Promise<void> {
    for (const e of ended) {
      if (this.byIp.get(e.ip)?.id === e.id) this.byIp.delete(e.ip)
      await this.controller
        .revoke({ ip: e.ip, mac: e.mac })
        .catch((err: Error) => this.log.warn({ err: err.message, session: e.id }, 'guest not taken off the network'))
    }
    if (ended.length > 0) this.log.info({ ended: ended.length }, 'guest sessions ended')
  }
}

/** Phones make up a MAC per network (the locally administered bit): it is a device, not a person. */
export function isRandomisedMac(mac: string): boolean {
  return (parseInt(mac.slice(0, 2), 16) & 0x02) !== 0
}
