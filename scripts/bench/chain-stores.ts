/**
 * A chain of simulated stores in one process, for the cloud bench and fault tests: each
 * store sends its own journal (seq 1…N) as batches on its own topic, at most `window`
 * batches unacknowledged, moving on only on the cloud's ack — as a gateway's relay does
 * (sync/relay.ts): from the ack again when the cloud asks (`resend`) or when no ack comes
 * for `ackTimeoutMs`. Events are a store's usual mix: scans, vouchers issued and
 * redeemed (some at partner stores), sales with their redemptions, new members.
 */
import { connect, type MqttClient } from 'mqtt'

export interface ChainOptions {
  stores: number
  eventsPerStore: number
  batchSize: number
  window: number
  ackTimeoutMs?: number
  /** Store ids are `${prefix}${i}`. */
  prefix?: string
  /** Event times start here and step `stepMs` per seq. */
  startTime?: number
  stepMs?: number
}

interface StoreState {
  id: string
  acked: number
  next: number
  /** Last seq of each batch out, oldest first. */
  out: number[]
  lastProgress: number
}

export const storeId = (prefix: string, i: number) => `${prefix}${String(i).padStart(4, '0')}`

/** The event at `seq` of store number `i` (deterministic: the same when sent again). */
function chainEvent(opts: Required<ChainOptions>, i: number, seq: number): object {
  const store = storeId(opts.prefix, i)
  const time = opts.startTime + seq * opts.stepMs
  const id = `${store}-${seq}`
  const k = seq % 20
  // Two vouchers issued every 20 events: the even serial is taken at the partner store
  // (store i-1's k=16: the closed pipe), the odd one here (k=17). 15.00 CNY each.
  const n = Math.floor(seq / 20)
  const serial = k === 16 || k === 15 ? 2 * n : 2 * n + 1
  const kid = k === 16 ? ((i + 1) % opts.stores) + 1 : i + 1
  const issuer = storeId(opts.prefix, kid - 1)
  if (k === 14 || k === 15)
    return {
      seq,
      id,
      type: 'voucher.issued',
      time,
      device: 'kiosk',
      payload: { kid: i + 1, campaign: 7, serial, member: null, expiresHour: 0, channel: 'kiosk', store },
    }
  if (k === 16 || k === 17)
    return {
      seq,
      id,
      type: 'voucher.redeemed',
      time,
      device: 'till-scanner',
      payload: {
        voucherKey: `${kid}:7:${serial}`,
        kid,
        campaign: 7,
        serial,
        use: 1,
        maxUses: 1,
        store,
        cashier: 'ann',
        issuerStore: issuer,
        value: { amount: 1500, currency: 'CNY' },
        issuerMerchant: `m${kid % 10}`,
        storeMerchant: `m${(i + 1) % 10}`,
      },
    }
  if (k === 18)
    return {
      seq,
      id,
      type: 'pos.sale',
      time,
      device: 'pos:pos-1',
      payload: {
        pos: 'pos-1',
        amount: 4800,
        currency: 'CNY',
        member: null,
        payments: [{ method: 'cash', amount: 4800 }],
        redemptions: [`${store}-${seq - 1}`],
        reference: `R-${seq}`,
      },
    }
  if (k === 19)
    return {
      seq,
      id,
      type: 'member.created',
      time,
      device: null,
      payload: { memberId: `${store}-m${seq}`, channel: 'till' },
    }
  return {
    seq,
    id,
    type: 'scan',
    time,
    device: 'till-scanner',
    payload: {
      data: `690123456${String(seq % 10_000).padStart(4, '0')}`,
      symbology: 'ean13',
      aimId: ']E0',
      role: 'till',
    },
  }
}

export class ChainStores {
  private readonly opts: Required<ChainOptions>
  private readonly states: StoreState[]
  private client: MqttClient | null = null
  private timer: NodeJS.Timeout | null = null
  private done = 0
  private finish: (() => void) | null = null
  resends = 0

  constructor(
    private readonly url: string,
    opts: ChainOptions,
  ) {
    this.opts = { ackTimeoutMs: 20_000, prefix: 's', startTime: Date.now(), stepMs: 1, ...opts }
    this.states = Array.from({ length: opts.stores }, (_, i) => ({
      id: storeId(this.opts.prefix, i),
      acked: 0,
      next: 1,
      out: [],
      lastProgress: Date.now(),
    }))
  }

  /** Events the cloud has acknowledged so far, over all stores. */
  acked(): number {
    return this.states.reduce((n, s) => n + s.acked, 0)
  }

  get storeIds(): string[] {
    return this.states.map((s) => s.id)
  }

  /** Where each unfinished store stands, for a test that gives up waiting on `run()`. */
  describe(): string {
    const now = Date.now()
    const open = this.states.filter((s) => s.acked < this.opts.eventsPerStore)
    const lines = open.map(
      (s) => `${s.id}: acked ${s.acked}, next ${s.next}, out [${s.out.join(' ')}], ${now - s.lastProgress} ms idle`,
    )
    return [
      `${open.length} stores unfinished, ${this.resends} resends, connected ${this.client?.connected}`,
      ...lines,
    ].join('\n')
  }

  /** Sends every store's events; resolves once the cloud has acknowledged them all. */
  async run(): Promise<{ ms: number; events: number }> {
    const t0 = performance.now()
    const client = connect(this.url, { protocolVersion: 5, clientId: `chain-${process.pid}`, clean: true })
    this.client = client
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve())
      client.once('error', reject)
    })
    await client.subscribeAsync('tillside/v1/+/ack', { qos: 1 })
    const byId = new Map(this.states.map((s, i) => [s.id, i]))
    client.on('message', (topic, payload) => {
      const i = byId.get(topic.split('/')[2]!)
      if (i === undefined) return
      const ack = JSON.parse(payload.toString()) as { seq: number; resend?: boolean }
      this.onAck(i, ack.seq, ack.resend === true)
    })
    const all = new Promise<void>((resolve) => (this.finish = resolve))
    for (let i = 0; i < this.states.length; i++) this.pump(i)
    this.timer = setInterval(() => this.checkTimeouts(), 500)
    await all
    clearInterval(this.timer)
    await client.endAsync()
    return { ms: performance.now() - t0, events: this.opts.stores * this.opts.eventsPerStore }
  }

  private onAck(i: number, seq: number, resend: boolean): void {
    const s = this.states[i]!
    if (seq > s.acked) {
      s.acked = Math.min(seq, this.opts.eventsPerStore)
      s.out = s.out.filter((last) => last > s.acked)
      s.lastProgress = Date.now()
      if (s.acked === this.opts.eventsPerStore && ++this.done === this.states.length) return this.finish?.()
    }
    if (resend && seq === s.acked) this.restart(s)
    this.pump(i)
  }

  private restart(s: StoreState): void {
    this.resends++
    s.next = s.acked + 1
    s.out = []
    s.lastProgress = Date.now()
  }

  private checkTimeouts(): void {
    const now = Date.now()
    for (const [i, s] of this.states.entries()) {
      if (s.out.length > 0 && now - s.lastProgress > this.opts.ackTimeoutMs) {
        this.restart(s)
        this.pump(i)
      }
    }
  }

  private pump(i: number): void {
    const s = this.states[i]!
    const o = this.opts
    while (s.out.length < o.window && s.next <= o.eventsPerStore) {
      const last = Math.min(s.next + o.batchSize - 1, o.eventsPerStore)
      const events = []
      for (let seq = s.next; seq <= last; seq++) events.push(chainEvent(o, i, seq))
      void this.client!.publishAsync(`tillside/v1/${s.id}/events`, JSON.stringify({ v: 1, store: s.id, events }), {
        qos: 1,
      }).catch(() => undefined)
      s.out.push(last)
      s.next = last + 1
    }
  }
}
