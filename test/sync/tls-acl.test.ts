/**
 * mqtts:// for real: a Mosquitto TLS listener that requires client certificates from a
 * throwaway CA (openssl), the certificate's CN as username, and docs/mosquitto-acl.example
 * as its ACL. A store syncs through it to `tillside cloud` (its own process, TLS flags),
 * the cloud sends it a command, and the ACL keeps the store out of other stores' topics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { connect, type IClientOptions, type MqttClient } from 'mqtt'
import { Mosquitto } from '../../scripts/mosquitto.js'
import { freePort } from '../../scripts/bench/gateway-process.js'
import { encodeBatch, topics } from '../../sync/contract.js'
import { requireProgram } from '../helpers/system.js'
import { tempDir } from '../helpers/tmp.js'
import { waitFor } from '../helpers/wait.js'
import { CLI, runCli } from '../helpers/cli.js'
import { makeCertChain, type CertChain, type CertFiles } from '../helpers/certs.js'
import { StoreEnd, checkQueue, storeConfig } from '../helpers/sync-harness.js'

const ready = requireProgram('mosquitto', 'sync over TLS') && requireProgram('openssl', 'sync over TLS')
const ACL = fileURLToPath(new URL('../../docs/mosquitto-acl.example', import.meta.url))

describe.skipIf(!ready)('mqtts:// with client certificates and the example ACL', () => {
  let tmp: ReturnType<typeof tempDir>
  let certs: CertChain
  let impostor: CertChain
  let broker: Mosquitto
  let cloud: ChildProcess
  let store: StoreEnd
  const tlsArgs = (c: CertFiles) => ['--ca', certs.ca, '--cert', c.cert, '--key', c.key]
  const rawClient = (c: CertFiles | null, ca = certs.ca, extra: IClientOptions = {}): MqttClient =>
    connect(broker.url, {
      protocolVersion: 5,
      reconnectPeriod: 0,
      ca: readFileSync(ca),
      ...(c ? { cert: readFileSync(c.cert), key: readFileSync(c.key) } : {}),
      ...extra,
    })
  /** Resolves with 'connected' or the first error's message. */
  const outcome = (client: MqttClient) =>
    new Promise<string>((resolve) => {
      client.once('connect', () => resolve('connected'))
      client.once('error', (err) => resolve(err.message))
      client.once('close', () => resolve('closed'))
    }).finally(() => client.end(true))

  beforeAll(async () => {
    tmp = tempDir()
    certs = makeCertChain(join(tmp.dir, 'pki'), ['shop-a', 'tillside-cloud'])
    impostor = makeCertChain(join(tmp.dir, 'impostor'), ['shop-a'], 'Impostor CA')
    broker = new Mosquitto({
      dir: join(tmp.dir, 'broker'),
      port: await freePort(),
      tls: { ca: certs.ca, ...certs.server },
      aclFile: ACL,
    })
    await broker.start()
    cloud = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        CLI,
        'cloud',
        '--broker',
        broker.url,
        '--db',
        join(tmp.dir, 'cloud.db'),
        '--shared',
        '--id',
        'cloud-1',
        ...tlsArgs(certs.clients['tillside-cloud']!),
      ],
      { stdio: 'ignore' },
    )
    store = new StoreEnd(
      storeConfig(join(tmp.dir, 'shop-a'), 'shop-a', broker.url, {
        tls: { ca: certs.ca, ...certs.clients['shop-a']! },
      }),
      undefined,
      { reannounce: () => (store.sync.reannounce(), 'announced') },
    )
    await store.start()
  })
  afterAll(async () => {
    cloud?.kill('SIGTERM')
    await store?.stop()
    await broker?.kill()
    tmp?.cleanup()
  })

  it('syncs a store through TLS to the cloud, every event once and in order', async () => {
    await store.produce(2000)
    await waitFor(() => store.acked() === 2000, 'all 2000 events acknowledged over mqtts', 30_000)
    const check = checkQueue(join(tmp.dir, 'shop-a', 'journal.db'), join(tmp.dir, 'cloud.db'), 'shop-a')
    expect({
      lost: check.lost.length,
      duplicated: check.duplicated,
      reordered: check.reordered,
      received: check.received,
    }).toEqual({ lost: 0, duplicated: 0, reordered: 0, received: 2000 })
  })

  it('carries a command from tillside cloud send to the store and its result back', async () => {
    const file = join(tmp.dir, 'reannounce.json')
    writeFileSync(file, '{}')
    const sent = await runCli([
      'cloud',
      'send',
      '--broker',
      broker.url,
      '--store',
      'shop-a',
      '--type',
      'reannounce',
      '--file',
      file,
      '--id',
      'tls-cmd-1',
      ...tlsArgs(certs.clients['tillside-cloud']!),
    ])
    expect(sent.stderr).toBe('')
    expect(JSON.parse(sent.stdout)).toMatchObject({ id: 'tls-cmd-1', status: 'ok' })
  })

  it("keeps a store out of another store's topics", async () => {
    const intruder = rawClient(certs.clients['shop-a']!, certs.ca, { clientId: 'intruder' })
    const cloudClient = rawClient(certs.clients['tillside-cloud']!, certs.ca, { clientId: 'cloud-raw' })
    await Promise.all(
      [intruder, cloudClient].map((c) => new Promise<void>((resolve) => c.once('connect', () => resolve()))),
    )
    const heard: string[] = []
    intruder.on('message', (topic) => heard.push(topic))
    await new Promise<void>((resolve) =>
      intruder.subscribe(['tillside/v1/shop-b/#', 'tillside/v1/shop-a/cmd/#'], { qos: 1 }, () => resolve()),
    )
    // Writing into shop-b's events: the broker answers "not authorized" and drops it.
    const forged = encodeBatch('shop-b', [
      {
        seq: 1,
        id: '01J0000000000000000000000B',
        type: 'voucher.redeemed',
        time: Date.now(),
        device: null,
        payload: '{}',
      },
    ])
    const published = await new Promise<string>((resolve) =>
      intruder.publish(topics.events('shop-b'), forged, { qos: 1 }, (err) => resolve(err ? err.message : 'accepted')),
    )
    expect(published).toMatch(/not authorized/i)
    // Reading: the cloud writes to both stores' command topics; shop-a's identity hears only its own.
    await cloudClient.publishAsync(topics.command('shop-b', 'probe'), '{}', { qos: 1 })
    await cloudClient.publishAsync(topics.command('shop-a', 'probe'), '{}', { qos: 1 })
    await waitFor(() => heard.length > 0, "shop-a's own command heard")
    await new Promise((r) => setTimeout(r, 300)) // what got through would have arrived by now
    expect(heard).toEqual([topics.command('shop-a', 'probe')])
    intruder.end(true)
    cloudClient.end(true)
    const db = new Database(join(tmp.dir, 'cloud.db'), { readonly: true })
    expect(db.prepare("SELECT count(*) FROM events WHERE store = 'shop-b'").pluck().get()).toBe(0)
    db.close()
  })

  it("refuses clients without a certificate or with another CA's, and a client that does not trust the broker's CA cannot connect", async () => {
    expect(await outcome(rawClient(null))).not.toBe('connected')
    expect(await outcome(rawClient(impostor.clients['shop-a']!))).not.toBe('connected')
    expect(await outcome(rawClient(certs.clients['shop-a']!, impostor.ca))).toMatch(
      /self[- ]signed|unable to verify|certificate/i,
    )
  })
})
