/**
 * Messages by webhook against a local SMS gateway (test/helpers/fake-sms.ts) that checks
 * our signature: every member's copy sent once whatever the gateway does on a first try —
 * fail with 500, or hang past the timeout — tried again until it takes it; a gateway
 * failing for everyone shows as "being tried" with its error, then recovers; and a key
 * file others can read stops the gateway at start, naming its config key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { Gateway } from '../../gateway/runtime/gateway.js'
import { silentLogger } from '../../gateway/log.js'
import { FakeSms } from '../helpers/fake-sms.js'
import { makeChain } from '../helpers/vouchers.js'
import { tempDir } from '../helpers/tmp.js'
import { waitFor } from '../helpers/wait.js'

describe('messages by webhook', () => {
  const tmp = tempDir()
  const secret = randomBytes(32)
  let sms: FakeSms
  let gateway: Gateway
  const members: string[] = []

  const configFor = async (dir: string, url: string) => {
    const chain = await makeChain(dir, [{ id: 'shop-a', merchant: 'm-a' }], undefined, {
      messages: {
        quietHours: null,
        webhook: { url, timeoutMs: 300, retryFirstMs: 150, linkBase: 'https://wifi.corner-tea.example' },
      },
    })
    return chain.stores.get('shop-a')!.config
  }

  beforeAll(async () => {
    sms = await new FakeSms(secret).start()
    const config = await configFor(join(tmp.dir, 'ok'), sms.url)
    mkdirSync(config.dataDir, { recursive: true })
    writeFileSync(join(config.dataDir, 'message-webhook.key'), secret, { mode: 0o600 })
    gateway = await Gateway.open({ config, log: silentLogger() })
    await gateway.start()
    for (let i = 0; i < 6; i++)
      members.push(
        (
          await gateway.members.enrol({
            phone: `1370000000${i}`,
            consents: { membership: true, followStore: true, marketing: true },
            channel: 'portal',
          })
        ).memberId,
      )
  })
  afterAll(async () => {
    await gateway?.stop()
    await sms?.stop()
    tmp.cleanup()
  })

  it('refuses to start with a key file others can read, naming the key', async () => {
    const config = await configFor(join(tmp.dir, 'loose'), sms.url)
    mkdirSync(config.dataDir, { recursive: true })
    const key = join(config.dataDir, 'message-webhook.key')
    writeFileSync(key, secret)
    chmodSync(key, 0o644)
    await expect(Gateway.open({ config, log: silentLogger() })).rejects.toThrow(/messages\.webhook\.secretFile/)
  })

  it('sends every member their copy once, through failures and timeouts on first tries', async () => {
    // Every second member's first try fails with 500, every third's hangs past the timeout.
    sms.answer = (delivery, attempt) => {
      const i = members.indexOf(delivery.split(':')[1]!)
      if (attempt === 1 && i % 3 === 0) return 'hang'
      if (attempt === 1 && i % 2 === 1) return 500
      return 'ok'
    }
    const { messageId } = await gateway.messages.compose(
      { title: { en: 'Tea week' }, body: { en: 'Taste our oolong' }, audience: 'followers', campaign: 12 },
      'admin:mo',
    )
    await waitFor(() => gateway.messages.message(messageId)?.sends.sent === 6, 'all six sent', 20_000)
    expect(sms.badSignatures).toBe(0)
    expect([...sms.sent.keys()].sort()).toEqual(members.map((m) => `${messageId}:${m}`).sort())
    expect(Math.max(...sms.tries.values())).toBeGreaterThan(1) // the failed ones were tried again
    const post = sms.sent.get(`${messageId}:${members[1]}`)!
    expect(post).toMatchObject({
      member: { id: members[1], phone: '+8613700000001' },
      title: { en: 'Tea week' },
      link: expect.stringMatching(/^https:\/\/wifi\.corner-tea\.example\/m\/[0-9a-f]{20}\.\d+\.[\w-]+\/[0-9a-f-]{36}$/),
      unsubscribe: expect.stringMatching(/\/unsubscribe$/),
      voucher: { code: expect.any(String), url: expect.stringContaining('/v/') },
    })
    expect(gateway.vouchers.validate(post.voucher!.code)).toMatchObject({ ok: true })
    expect(gateway.messages.message(messageId)!.sends).toMatchObject({ pending: 0, failed: 0 })
  })

  it('shows a gateway failing for everyone as being tried, with its error, until it recovers', async () => {
    sms.answer = () => 503
    const { messageId } = await gateway.messages.compose(
      { title: { en: 'Tea class' }, body: { en: 'Saturday' }, audience: 'followers' },
      'admin:mo',
    )
    await waitFor(
      () => gateway.messages.message(messageId)?.sends.lastError === 'HTTP 503',
      'the error recorded',
      10_000,
    )
    expect(gateway.messages.message(messageId)!.sends).toMatchObject({ pending: 6, sent: 0 })
    sms.answer = () => 'ok'
    await waitFor(() => gateway.messages.message(messageId)?.sends.sent === 6, 'recovered', 20_000)
  })
})
