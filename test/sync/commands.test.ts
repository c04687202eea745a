/**
 * Commands down, through a real Mosquitto to a whole gateway: lists replaced whole and
 * only when newer, a repeated command answered and not applied twice, a config patch
 * validated as a whole, and bad input of every kind refused with a result message while
 * the relay keeps going.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { connect, type MqttClient } from 'mqtt'
import { Mosquitto } from '../../scripts/mosquitto.js'
import { freePort } from '../../scripts/bench/gateway-process.js'
import { topics, type CommandResult } from '../../sync/contract.js'
import { parseConfig } from '../../config/load.js'
import { VoucherAuthority } from '../../gateway/vouchers/voucher-authority.js'
import { silentLogger } from '../../gateway/log.js'
import type { Gateway } from '../../gateway/runtime/gateway.js'
import { requireProgram } from '../helpers/system.js'
import { tempDir } from '../helpers/tmp.js'
import { runCli } from '../helpers/cli.js'
import { waitFor } from '../helpers/wait.js'
import { CloudEnd, FAST_SYNC } from '../helpers/sync-harness.js'
import { campaign, startStoreGateway } from '../helpers/vouchers.js'

const ready = requireProgram('mosquitto', 'sync commands')

describe.skipIf(!ready)('commands from the cloud', () => {
  let tmp: ReturnType<typeof tempDir>
  let broker: Mosquitto
  let cloud: CloudEnd
  let gateway: Gateway
  let stop: () => Promise<void>
  let raw: MqttClient
  const results: CommandResult[] = []
  const send = (type: string, body: unknown, id?: string) => cloud.commands.send('shop-a', type, body, id, 10_000)
  const applied = (id: string) =>
    gateway.journal.reader
      .prepare("SELECT count(*) FROM events WHERE type = 'command.applied' AND json_extract(payload, '$.id') = ?")
      .pluck()
      .get(id)

  beforeAll(async () => {
    tmp = tempDir()
    broker = new Mosquitto({ dir: join(tmp.dir, 'broker'), port: await freePort() })
    await broker.start()
    cloud = new CloudEnd(join(tmp.dir, 'cloud.db'), broker.url).start()
    ;({ gateway, stop } = await startStoreGateway({ sync: { ...FAST_SYNC, broker: broker.url } }))
    await waitFor(() => gateway.sync.status().state === 'online' && cloud.link.connected, 'store and cloud connected')
    raw = connect(broker.url, { protocolVersion: 5 })
    await new Promise<void>((resolve) =>
      raw.once('connect', () => raw.subscribe(topics.commandResult('shop-a'), { qos: 1 }, () => resolve())),
    )
    raw.on('message', (_t, p) => results.push(JSON.parse(p.toString()) as CommandResult))
  })
  afterAll(async () => {
    raw?.end(true)
    await stop?.()
    await cloud?.stop()
    await broker?.kill()
    tmp?.cleanup()
  })

  it('replaces the campaign list whole, once per command id, and only with a newer version', async () => {
    const list = { version: 1, campaigns: [campaign(), campaign({ id: 77, name: { en: 'Pushed' } })] }
    expect(await send('campaigns', list, 'cmd-campaigns-1')).toMatchObject({
      status: 'ok',
      detail: '2 campaign(s), version 1',
    })
    expect(gateway.vouchers.authority.campaigns.get(77)?.name.en).toBe('Pushed')
    expect(await send('campaigns', list, 'cmd-campaigns-1')).toMatchObject({ status: 'ok' }) // a redelivery
    expect(applied('cmd-campaigns-1')).toBe(1)
    expect(await send('campaigns', list, 'cmd-campaigns-2')).toMatchObject({
      status: 'rejected',
      reason: 'stale_version',
    })
    const bad = { version: 2, campaigns: [campaign({ id: 78, validTo: '2010-01-01T00:00:00Z' })] }
    expect(await send('campaigns', bad)).toMatchObject({
      status: 'rejected',
      reason: 'invalid',
      detail: expect.stringContaining('campaigns[0].validTo'),
    })
    expect(gateway.vouchers.authority.campaigns.get(77)).toBeDefined() // the bad list changed nothing
    // A restart loads the pushed list, not the config's file.
    expect(VoucherAuthority.load(gateway.app.services.config, silentLogger()).campaigns.get(77)).toBeDefined()
  })

  it('revokes a voucher; refuses a trust list that is not signed by the root', async () => {
    const { code, key } = await gateway.vouchers.issue({ campaignId: 12, channel: 'pos' })
    expect(await send('revocations', { version: 1, vouchers: [key] })).toMatchObject({
      status: 'ok',
      detail: 'version 1',
    })
    expect(gateway.vouchers.validate(code)).toMatchObject({ ok: false, reason: 'revoked' })
    expect(await send('trust-list', { body: {}, signature: 'AAAA' })).toMatchObject({
      status: 'rejected',
      reason: 'malformed',
    })
  })

  it('validates a config patch as a whole; saves a good one for the next start', async () => {
    expect(await send('config-patch', { patch: { http: { port: 'eighty' } } })).toMatchObject({
      status: 'rejected',
      reason: 'invalid_config',
      detail: expect.stringContaining('http.port'),
    })
    expect(await send('config-patch', { patch: { dataDir: '/tmp/elsewhere' } })).toMatchObject({
      status: 'rejected',
      reason: 'forbidden_key',
    })
    // Through the prototype: dataDir would be inherited past the schema and the checks above.
    for (const text of [
      '{"__proto__":{"dataDir":"/tmp/elsewhere"}}',
      '{"store":{"constructor":{"prototype":{"x":1}}}}',
    ]) {
      expect(await send('config-patch', { patch: JSON.parse(text) as object })).toMatchObject({
        status: 'rejected',
        reason: 'forbidden_key',
      })
    }
    expect(await send('config-patch', { patch: { store: { name: 'Shop A (renamed)' } } })).toMatchObject({
      status: 'ok',
      detail: 'saved; applies at the next start',
    })
    const config = gateway.app.services.config
    expect(existsSync(join(config.dataDir, 'config-patch.json'))).toBe(true)
    const next = parseConfig(
      JSON.stringify({ store: { id: 'shop-a', name: 'Old name' }, dataDir: config.dataDir }),
      'store.yaml',
      {},
      { cloudPatch: true },
    )
    expect(next.store.name).toBe('Shop A (renamed)')
  })

  it('takes a command from `tillside cloud send`, which prints the result', async () => {
    const file = join(tmp.dir, 'revocations.yaml')
    writeFileSync(file, 'version: 2\ncampaigns: [55]\n')
    const sent = await runCli([
      'cloud',
      'send',
      '--broker',
      broker.url,
      '--store',
      'shop-a',
      '--type',
      'revocations',
      '--file',
      file,
      '--id',
      'cli-rev-2',
    ])
    expect(sent.code, sent.stderr).toBe(0)
    expect(JSON.parse(sent.stdout)).toMatchObject({ id: 'cli-rev-2', status: 'ok', detail: 'version 2' })
    const again = await runCli([
      'cloud',
      'send',
      '--broker',
      broker.url,
      '--store',
      'shop-a',
      '--type',
      'revocations',
      '--file',
      file,
    ])
    expect(again.code).toBe(1)
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 'rejected', reason: 'stale_version' })
  })

  it('refuses bad input with a result, and keeps syncing', async () => {
    expect(await send('print-test-page', { printer: 'nope' })).toMatchObject({
      status: 'rejected',
      reason: 'unknown_printer',
    })
    expect(await send('launch-rockets', {})).toMatchObject({ status: 'rejected', reason: 'unknown_type' })
    expect(await send('campaigns', 'not an object')).toMatchObject({ status: 'rejected', reason: 'invalid' })
    const seen = results.length
    const publish = (payload: string | Buffer) =>
      raw.publishAsync(topics.command('shop-a', 'campaigns'), payload, { qos: 1 })
    await publish('{not json')
    await publish(JSON.stringify({ v: 2, id: 'cmd-v2', body: {} }))
    await publish(JSON.stringify({ v: 1, id: 'cmd-other-store', store: 'shop-b', body: {} }))
    await publish(Buffer.alloc(1024 * 1024 + 1, 0x20))
    const refusals = () => results.slice(seen).filter((r) => ['', 'cmd-v2', 'cmd-other-store'].includes(r.id))
    await waitFor(() => refusals().length >= 4, 'four refusals')
    expect(refusals().map((r) => [r.id, r.reason])).toEqual([
      ['', 'malformed'],
      ['cmd-v2', 'malformed'],
      ['cmd-other-store', 'wrong_store'],
      ['', 'malformed'],
    ])
    // An ack for a seq this store never journaled is refused; the checkpoint stays.
    await waitFor(() => gateway.sync.status().acked === gateway.journal.getHealth().lastSeq, 'caught up')
    const before = gateway.sync.status().acked
    await raw.publishAsync(topics.ack('shop-a'), JSON.stringify({ v: 1, seq: 1e9 }), { qos: 1 })
    await waitFor(() => gateway.sync.status().refusedAcks === 1, 'future ack refused')
    expect(gateway.sync.status().acked).toBe(before)
    // Still syncing: every event (commands' outcomes included) reaches the cloud.
    await waitFor(() => gateway.sync.status().acked === gateway.journal.getHealth().lastSeq, 'all acknowledged')
  })
})
