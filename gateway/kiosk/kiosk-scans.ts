/**
 * Scans at the kiosk's own scanner (role `kiosk`): a member shows their member QR to
 * say who is playing. Each durable scan is identified and handed to the kiosk pages
 * listening for that scanner; anything else gets a reason the page can show.
 */
import type { Logger } from '../log.js'
import { Tally } from '../log-tally.js'
import type { Module } from '../lifecycle.js'
import type { MemberService } from '../members/member-service.js'
import type { ScanPipeline } from '../scan/scan-pipeline.js'
import type { ScanDraft, JournaledScan } from '../scan/scan-types.js'
import { MEMBER_PREFIX } from '../till/classify.js'

export type KioskScan =
  | { device: string; kind: 'member'; memberId: string }
  | { device: string; kind: 'refused'; reason: string; detail: string }
type Listener = (scan: KioskScan) => void

export class KioskScans implements Module {
  readonly name = 'kiosk-scans'
  private readonly listeners = new Set<Listener>()

  private readonly tally: Tally

  constructor(
    private readonly scans: Pick<ScanPipeline, 'claim'>,
    private readonly members: Pick<MemberService, 'identify'>,
    private readonly log: Logger,
  ) {
    this.tally = new Tally(log, 'kiosk scans in the last minute')
  }

  start(): Promise<void> {
    this.scans.claim('kiosk', (draft, durable) => void this.handle(draft, durable))
    return Promise.resolve()
  }

  stop(): Promise<void> {
    this.scans.claim('kiosk', null)
    this.listeners.clear()
    return Promise.resolve()
  }

  /** Screens listening now; each stream unsubscribes when it closes. */
  get subscribers(): number {
    return this.listeners.size
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private async handle(draft: ScanDraft, durable: Promise<JournaledScan | null>): Promise<void> {
    if (!(await durable)) return // not journaled, not acted on
    let scan: KioskScan
    if (!draft.data.startsWith(MEMBER_PREFIX)) {
      scan = { device: draft.deviceId, kind: 'refused', reason: 'not_member_code', detail: 'show your member QR code' }
    } else {
      const who = this.members.identify(draft.data)
      scan = who.ok
        ? { device: draft.deviceId, kind: 'member', memberId: who.memberId }
        : { device: draft.deviceId, kind: 'refused', reason: who.reason, detail: who.detail }
    }
    this.log.debug({ device: draft.deviceId, kind: scan.kind, scanId: draft.id }, 'kiosk scan')
    this.tally.add(scan.kind === 'member' ? 'members' : 'refused')
    for (const l of this.listeners) {
      try {
        l(scan)
      } catch (err) {
        this.log.error({ err }, 'kiosk scan listener failed')
      }
    }
  }
}
