/**
 * Who opens the network for a guest: one interface for openNDS (a store router with
 * Tillside as its FAS), nftables (this machine routes the guests) and none (development).
 * The portal decides *whether* a guest may go online; a controller only carries it out.
 */
import type { Module } from '../../lifecycle.js'
import type { FasQuery } from './opennds-fas.js'

export interface GuestClient {
  ip: string
  /** Null when the controller cannot see the guest's link layer (no controller, or a router elsewhere). */
  mac: string | null
}

export interface Grant {
  sessionId: string
  member: string
  client: GuestClient
  /** Absolute end of the session (ms). */
  expiresAt: number
  idleSeconds: number
  /** openNDS only: the verified FAS query the guest arrived with. */
  fas?: FasQuery
  /** Where the guest's browser goes after the controller let it on. */
  landing: string
}

export interface AccessController extends Module {
  readonly kind: 'none' | 'nftables' | 'opennds'
  /** The guest's MAC when this controller can tell it (nftables reads the neighbour table). */
  macOf(ip: string): Promise<string | null>
  /**
   * Lets the guest on until the grant ends. Returns the address the guest's browser must
   * open next: openNDS authorises on the guest's own request to the router.
   */
  authorise(grant: Grant): Promise<{ next: string }>
  /** Ends a guest's access now (session replaced, limit, expiry). */
  revoke(client: GuestClient): Promise<void>
  /** Sessions still open when the gateway restarts, re-applied so nobody is cut off. */
  restore(grants: Grant[]): Promise<void>
  /** The open sessions' clients the controller has dropped on its own (idle timeout). */
  idleClients(): Promise<GuestClient[] | null>
}

/** A controller's refusal a guest can read (the portal page shows the message). */
export class ControllerError extends Error {
  override readonly name = 'ControllerError'
}
