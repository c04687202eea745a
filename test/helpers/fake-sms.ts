/**
 * A merchant's SMS gateway for the message webhook tests: checks each POST's HMAC
 * signature, sends "one SMS" per delivery id (a repeat of a delivery it already took is
 * answered 200 and dropped, as the docs ask a receiver to do), and acts out what `answer`
 * says for each try: take it, fail with a status, or hang past the sender's timeout.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { WebhookPayload } from '../../gateway/messages/webhook-sender.js'

export type Answer = 'ok' | 'hang' | number

/** What a POST carries: the webhook's own payload type. */
export type SmsPost = WebhookPayload

export class FakeSms {
  /** Every try per delivery id, in order. */
  readonly tries = new Map<string, number>()
  /** The SMS sent: one per delivery id. */
  readonly sent = new Map<string, SmsPost>()
  badSignatures = 0
  answer: (delivery: string, attempt: number) => Answer = () => 'ok'
  private server: Server | null = null

  constructor(private readonly secret: Buffer) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/sms`
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8')
        const timestamp = String(req.headers['x-tillside-timestamp'] ?? '')
        const expected = `sha256=${createHmac('sha256', this.secret).update(`${timestamp}.${body}`).digest('hex')}`
        const given = String(req.headers['x-tillside-signature'] ?? '')
        if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
          this.badSignatures++
          return void res.writeHead(401).end()
        }
        const delivery = String(req.headers['x-tillside-delivery'])
        const attempt = (this.tries.get(delivery) ?? 0) + 1
        this.tries.set(delivery, attempt)
        const answer = this.answer(delivery, attempt)
        const take = () => {
          if (!this.sent.has(delivery)) this.sent.set(delivery, JSON.parse(body) as SmsPost)
        }
        if (answer === 'hang') {
          take() // it went out; the answer comes too late for the sender, which tries again
          return void setTimeout(() => res.writeHead(200).end(), 1_500).unref()
        }
        if (answer !== 'ok') return void res.writeHead(answer).end('busy')
        take()
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
      })
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    return this
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
  }
}
