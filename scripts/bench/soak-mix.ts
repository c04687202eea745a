/**
 * The store's day in miniature, as issue #22 tried it: what a busy till, a kiosk, the
 * guest Wi-Fi and the POS send a gateway, at fixed rates, over HTTP on keep-alive
 * connections. Every answer is counted by status; a 5xx or a refused connection is an
 * error. Rates per second:
 * - 20 till scans (POST /api/dev/scan): products, member codes, fresh, used and forged
 *   vouchers (each forgery distinct, so a signature cache sees a flood of new keys),
 *   wallet payment codes and garbage;
 * - 2 POS redemptions (issue + redeem, some for a high-value online-checked campaign);
 * - 1 sale with an idempotency key (one in ten a retry of an earlier key);
 * - a cashier screen's event stream that reconnects every 2 minutes;
 * - a kiosk play every 5 s (a new member every 3 plays); a portal join every 3 s and
 *   50 OS probes/s (each join from a new phone); a voucher slip every 10 s.
 */
import { Agent, request } from 'node:http'

export const POS_TOKEN = 'soak-pos-token'
export const KIOSK_TOKEN = 'soak-kiosk-token'

export interface MixCounts {
  requests: number
  errors: number
  byStatus: Record<string, number>
  lastError: string | null
}

interface Answer {
  status: number
  body: string
  headers: Record<string, string | string[] | undefined>
}

export class SoakMix {
  readonly counts: MixCounts = { requests: 0, errors: 0, byStatus: {}, lastError: null }
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 24 })
  private readonly timers: NodeJS.Timeout[] = []
  /** What the mix has sent and not yet had answered (stop waits for it). */
  private readonly inFlight = new Set<Promise<unknown>>()
  private readonly fresh: string[] = []
  private readonly used: string[] = []
  private readonly members: string[] = []
  private readonly saleKeys: string[] = []
  private stream: { destroy(): void } | null = null
  private cookie = ''
  private playsLeft = 0
  private player = ''
  private n = 0

  constructor(
    private readonly port: number,
    private readonly portalPort: number,
    /** Parts of the mix to run (scans, pos, sales, stream, kiosk, portal, probes, slips); all by default. */
    private readonly parts: ReadonlySet<string> | null = null,
  ) {}

  async start(): Promise<void> {
    const login = await this.call(this.port, 'POST', '/api/till/login', { pin: '1234' })
    this.cookie = String(login.headers['set-cookie']).split(';')[0]!
    for (let i = 0; i < 40; i++) await this.issue(2)
    const on = (part: string) => this.parts === null || this.parts.has(part)
    if (on('stream')) this.openStream()
    if (on('scans')) this.every(1000 / 20, () => this.scan())
    if (on('pos')) this.every(500, () => this.redeem())
    if (on('sales')) this.every(1000, () => this.sale())
    if (on('stream')) this.every(120_000, () => this.openStream())
    if (on('kiosk')) this.every(5000, () => this.play())
    if (on('portal')) this.every(3000, () => this.join())
    if (on('probes')) this.every(1000 / 50, () => this.call(this.portalPort, 'GET', '/generate_204'))
    if (on('slips')) this.every(10_000, () => this.slip())
  }

  /**
   * Stops sending, and closes the connections once what was sent is answered: closing them
   * first would count the requests still in flight as failures.
   */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t)
    await Promise.all(this.inFlight)
    this.stream?.destroy()
    this.agent.destroy()
  }

  private every(ms: number, fn: () => unknown): void {
    const tick = () => {
      const sent = Promise.resolve(fn()).catch((e: Error) => this.fail(e.message))
      this.inFlight.add(sent)
      void sent.finally(() => this.inFlight.delete(sent))
    }
    this.timers.push(setInterval(tick, ms))
  }

  private fail(message: string): void {
    this.counts.errors++
    this.counts.lastError = message
  }

  private call(
    port: number,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    localAddress?: string,
  ): Promise<Answer> {
    const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
    const type = typeof body === 'string' ? 'application/x-www-form-urlencoded' : 'application/json'
    return new Promise((resolve, reject) => {
      const req = request(
        {
          port,
          method,
          path,
          localAddress,
          agent: localAddress ? false : this.agent,
          headers: { ...(text === undefined ? {} : { 'content-type': type }), accept: 'application/json', ...headers },
        },
        (res) => {
          let data = ''
          res.setEncoding('utf8')
          res.on('data', (d: string) => (data += d))
          res.on('end', () => {
            const status = res.statusCode ?? 0
            this.counts.requests++
            this.counts.byStatus[status] = (this.counts.byStatus[status] ?? 0) + 1
            if (status >= 500) this.fail(`${method} ${path} → ${status} ${data.slice(0, 200)}`)
            resolve({ status, body: data, headers: res.headers })
          })
        },
      )
      req.on('error', (e) => reject(new Error(`${method} ${path}: ${e.message}`)))
      req.end(text)
    })
  }

  private pos(path: string, body: unknown): Promise<Answer> {
    return this.call(this.port, 'POST', path, body, { authorization: `Bearer ${POS_TOKEN}` })
  }

  private async issue(campaign: number): Promise<string> {
    const res = await this.pos('/api/pos/vouchers/issue', { campaign })
    const code = (JSON.parse(res.body) as { code: string }).code
    this.fresh.push(code)
    return code
  }

  private async scan(): Promise<void> {
    const i = this.n++
    const pick = i % 10
    let data: string
    if (pick < 3) data = ean13(String(690_000_000_000 + (i % 5000)).slice(0, 12))
    else if (pick === 3 && this.members.length > 0)
      data = (await this.memberCode(this.members[i % this.members.length]!)) ?? 'garbage'
    else if (pick === 4 && this.fresh.length > 0) data = this.fresh.shift()!
    else if (pick === 5 && this.used.length > 0) data = this.used[i % this.used.length]!
    else if (pick === 6 && this.used.length > 0) data = forge(this.used[i % this.used.length]!, i)
    else if (pick === 7) data = `28${String(i).padStart(16, '0')}`
    else if (pick === 8) data = `hello world ${i}`
    else data = ean13(String(480_000_000_000 + i).slice(0, 12))
    if (pick === 4 && this.fresh.length < 20) void this.issue(2)
    const res = await this.call(this.port, 'POST', '/api/dev/scan', { data, device: 'till-scanner' })
    if (pick === 4 && res.status === 201) this.remember(this.used, data, 200)
  }

  private async memberCode(member: string): Promise<string | null> {
    const res = await this.call(this.port, 'GET', `/api/pos/members/${member}/code`, undefined, {
      authorization: `Bearer ${POS_TOKEN}`,
    })
    return res.status === 200 ? (JSON.parse(res.body) as { code: string }).code : null
  }

  private async redeem(): Promise<void> {
    const code = await this.issue(this.n % 7 === 0 ? 3 : 2)
    this.fresh.splice(this.fresh.indexOf(code), 1)
    await this.pos('/api/pos/vouchers/redeem', { code, saleRef: `R${this.n}` })
    this.remember(this.used, code, 200)
  }

  private async sale(): Promise<void> {
    const retry = this.saleKeys.length > 0 && this.n % 10 === 0
    const key = retry ? this.saleKeys[this.n % this.saleKeys.length]! : `soak-sale-${process.pid}-${this.n++}`
    if (!retry) this.remember(this.saleKeys, key, 100)
    const amount = 1000 + (key.length % 7) * 100
    await this.pos('/api/pos/sales', {
      idempotencyKey: key,
      amount,
      currency: 'CNY',
      payments: [{ method: 'cash', amount }],
    })
  }

  private openStream(): void {
    this.stream?.destroy()
    const req = request(
      { port: this.port, path: '/api/till/events', headers: { cookie: this.cookie }, agent: false },
      (res) => {
        if (res.statusCode !== 200) this.fail(`till events → ${res.statusCode}`)
        res.resume()
      },
    )
    req.on('error', () => undefined) // destroyed on purpose at each reconnect
    req.end()
    this.stream = req
  }

  private async play(): Promise<void> {
    const kiosk = { 'x-kiosk-token': KIOSK_TOKEN }
    if (this.playsLeft === 0) {
      const phone = `139${String(10_000_000 + this.n++).slice(-8)}`
      const res = await this.call(
        this.port,
        'POST',
        '/api/kiosk/identify',
        { phone, consents: { membership: true } },
        kiosk,
      )
      if (res.status !== 200) return
      this.player = (JSON.parse(res.body) as { player: string }).player
      const found = await this.pos('/api/pos/members', { phone, consents: { membership: true } })
      if (found.status === 200)
        this.remember(this.members, (JSON.parse(found.body) as { memberId: string }).memberId, 50)
      this.playsLeft = 3
    }
    this.playsLeft--
    await this.call(
      this.port,
      'POST',
      '/api/kiosk/play',
      { playId: `soak-play-${process.pid}-${this.n++}`, player: this.player },
      kiosk,
    )
  }

  /** Each guest from its own address (any of 127/8 is local), as phones on the Wi-Fi are. */
  private async join(): Promise<void> {
    const i = this.n++
    const phone = `137${String(10_000_000 + i).slice(-8)}`
    const from = `127.1.${Math.floor(i / 250) % 250}.${1 + (i % 250)}`
    await this.call(this.portalPort, 'POST', '/portal/join', `phone=${phone}&membership=yes&followStore=yes`, {}, from)
  }

  private async slip(): Promise<void> {
    const code = await this.issue(2)
    this.fresh.splice(this.fresh.indexOf(code), 1)
    await this.pos('/api/print/vouchers', { code, requestKey: `soak-slip-${this.n++}` })
  }

  /** Keeps a bounded list: the harness must not be what grows. */
  private remember(list: string[], item: string, cap: number): void {
    list.push(item)
    if (list.length > cap) list.shift()
  }
}

function ean13(twelve: string): string {
  let sum = 0
  for (let i = 11, w = 3; i >= 0; i--, w = 4 - w) sum += Number(twelve[i]) * w
  return twelve + String((10 - (sum % 10)) % 10)
}

/**
 * A used code with one signature character changed: well-formed, never valid. Base45 packs
 * two bytes in three characters; the first of a group is the low digit, so changing it
 * keeps the group in range (almost always) and the code parses.
 */
function forge(code: string, i: number): string {
  const at = 4 + 3 * (37 - (i % 12))
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'
  const next = alphabet[(alphabet.indexOf(code[at]!) + 1 + (i % 35)) % alphabet.length]!
  return code.slice(0, at) + next + code.slice(at + 1)
}
