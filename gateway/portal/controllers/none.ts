/** Development: logins are recorded, nobody's network changes. */
import type { AccessController, Grant } from './controller.js'

export class NoController implements AccessController {
  readonly kind = 'none' as const
  readonly name = 'portal:controller:none'
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async macOf(): Promise<string | null> {
    return null
  }
  async authorise(grant: Grant): Promise<{ next: string }> {
    return { next: grant.landing }
  }
  async revoke(): Promise<void> {}
  async restore(): Promise<void> {}
  async idleClients(): Promise<null> {
    return null
  }
}
