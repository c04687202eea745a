/**
 * The outbox relay: sends the journal to the cloud in seq order and moves the checkpoint
 * only on the cloud's own ack (the highest seq it persisted contiguously). Batches are
 * bounded by count and bytes, at most `window` are out at once, and after any reconnect
 * or an ack timeout everything after the checkpoint is sent again — the cloud dedupes by
 * (store, seq). Nothing is held in memory that the journal does not also hold.
 */
import { SyncReads, type StoredEvent } from '../gateway/store/read/sync-reads.js'
import type { Journal } from '../gateway/store/journal.js'
import type { Logger } from '../gateway/log.js'
import type { SyncConfig } from '../config/sync-schema.js'
import { encodeBatch, topics } from './contract.js'
import type { Link } from './link.js'

export interface RelayStatus {
  acked: number
  lastSeq: number
  sent: number
  backlog: number
  /** Age of the oldest event the cloud has not acknowledged (ms), null when none waits. */
  oldestWaitingMs: number | null
  batchesOut: number
  resends: number
  refusedAcks: number
}

/** Rough bytes of one event in a batch besides its payload (ids, type, keys). */
const ROW_OVERHEAD = 120

export class Relay {
  private acked = 0
  private sent = 0
  /** Last seq of each batch sent and not yet covered by an ack, oldest first. */
  private out: number[] = []
  private lastProgress = Date.now()
  /** Sent again over the same connection since the last progress (the first ack timeout stage). */
  private resentOnLink = false
  private pumping = false
  private lingerTimer: NodeJS.Timeout | null = null
  private ackTimer: NodeJS.Timeout | null = null
  private unsubscribe: (() => void) | null = null
  private resends = 0
  private lastResend: { from: number; at: number } | null = null
  private refusedAcks = 0
  private readonly reads: SyncReads

  constructor(
    private readonly store: string,
    private readonly journal: Journal,
    private readonly link: Link,
    private readonly opts: Pick<SyncConfig, 'batch' | 'window' | 'ackTimeoutMs'>,
    private readonly log: Logger,
  ) {
    this.reads = new SyncReads(journal)
  }

  start(): void {
    this.acked = this.reads.ackedSeq()
    this.sent = this.acked
    this.unsubscribe = this.journal.onCommit(() => this.schedule())
    this.ackTimer = setInterval(() => this.checkAckTimeout(), Math.min(1000, this.opts.ackTimeoutMs / 4))
  }

  stop(): void {
    this.unsubscribe?.()
    if (this.lingerTimer) clearTimeout(this.lingerTimer)
    if (this.ackTimer) clearInterval(this.ackTimer)
  }

  /** The link is (again) up: start over from the checkpoint. */
  onUp(): void {
    this.restart()
    void this.pump()
  }

  onDown(): void {
    this.out = []
  }

  /** The cloud's ack (already parsed): persist it, then send more — from the checkpoint again when the cloud found a hole. */
  async onAck(seq: number, resend = false): Promise<void> {
    if (seq > this.acked) await this.advance(seq)
    if (resend && seq === this.acked && this.link.connected && this.sent > this.acked) {
      // One hole, many refused batches: restart once per checkpoint and second.
      if (this.lastResend?.from === seq && Date.now() - this.lastResend.at < 1000) return
      this.lastResend = { from: seq, at: Date.now() }
      this.resends++
      this.log.info({ from: seq, sent: this.sent }, 'cloud missed a batch; sending again from the checkpoint')
      this.restart()
      void this.pump()
    }
  }

  private async advance(seq: number): Promise<void> {
    const { result } = await this.journal.execute('sync.ack', { seq })
    if (!result.advanced) {
      if (result.reason === 'future') {
        this.refusedAcks++
        this.log.warn(
          { seq, lastSeq: this.journal.getHealth().lastSeq },
          'cloud acknowledged a seq this store never journaled; ignored',
        )
      }
      return
    }
    this.acked = result.acked
    this.lastProgress = Date.now()
    this.resentOnLink = false
    this.out = this.out.filter((last) => last > this.acked)
    if (this.sent < this.acked) this.sent = this.acked
    void this.pump()
  }

  status(): RelayStatus {
    // From the database, not this process's counter: other processes append too.
    const lastSeq = this.reads.lastSeq()
    const oldest = this.reads.firstTimeAfter(this.acked)
    return {
      acked: this.acked,
      lastSeq,
      sent: this.sent,
      backlog: Math.max(0, lastSeq - this.acked),
      oldestWaitingMs: oldest === null ? null : Math.max(0, Date.now() - oldest),
      batchesOut: this.out.length,
      resends: this.resends,
      refusedAcks: this.refusedAcks,
    }
  }

  private restart(): void {
    this.out = []
    this.sent = this.acked
    this.lastProgress = Date.now()
    this.resentOnLink = false
  }

  /** New events: wait `lingerMs` so a burst goes out as one batch. */
  private schedule(): void {
    if (this.lingerTimer || !this.link.connected) return
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = null
      void this.pump()
    }, this.opts.batch.lingerMs)
  }

  private async pump(): Promise<void> {
    if (this.pumping) return
    this.pumping = true
    try {
      while (this.link.connected && this.out.length < this.opts.window) {
        const rows = this.nextRows()
        if (rows.length === 0) break
        const last = rows.at(-1)!.seq
        const payload = encodeBatch(this.store, rows)
        this.sent = last
        this.out.push(last)
        // Not awaited: up to `window` batches travel at once. A failed publish means the
        // link went down; the next 'up' starts again from the checkpoint.
        this.link
          .publish(topics.events(this.store), payload, { qos: 1 })
          .catch((err: Error) => this.log.debug({ err: err.message, last }, 'batch not published'))
      }
    } finally {
      this.pumping = false
    }
  }

  private nextRows(): StoredEvent[] {
    const { maxEvents, maxBytes } = this.opts.batch
    const rows = this.reads.eventsAfter(this.sent, maxEvents)
    let bytes = 0
    for (let i = 0; i < rows.length; i++) {
      bytes += rows[i]!.payload.length + ROW_OVERHEAD
      if (bytes > maxBytes && i > 0) return rows.slice(0, i)
    }
    return rows
  }

  /**
   * Batches out and no ack for a while. After a quarter of `ackTimeoutMs` they are sent
   * again over the same connection (the cloud lost them or their acks; it answers a
   * duplicate with a fresh ack). After the whole of it the link is taken for half-dead
   * (it takes writes, nothing comes back; keepalive alone can take minutes to notice)
   * and a fresh connection sends again from the checkpoint.
   */
  private checkAckTimeout(): void {
    if (!this.link.connected) return
    // Idle: look for events another process (the CLI, a second till) journaled; it does not wake us.
    if (this.out.length === 0) return void this.pump()
    const waited = Date.now() - this.lastProgress
    if (waited >= this.opts.ackTimeoutMs / 4 && waited < this.opts.ackTimeoutMs && !this.resentOnLink) {
      this.resentOnLink = true
      this.resends++
      this.log.info(
        { acked: this.acked, sent: this.sent, afterMs: waited },
        'no ack from the cloud yet; sending again from the checkpoint',
      )
      this.out = []
      this.sent = this.acked
      return void this.pump()
    }
    if (waited < this.opts.ackTimeoutMs) return
    this.resends++
    this.log.warn(
      { acked: this.acked, sent: this.sent, afterMs: this.opts.ackTimeoutMs },
      'no ack from the cloud; reconnecting to send again from the checkpoint',
    )
    this.restart()
    this.link.reconnect('no ack from the cloud')
  }
}
