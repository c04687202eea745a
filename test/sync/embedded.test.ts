/**
 * The embedded mode's edges: a port already taken fails the start cleanly, naming the
 * port; the online check works through the in-process broker (3.1.1) and ingest.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { createServer } from 'node:net'
import { Gateway } from '../../gateway/runtime/gateway.js'
import { silentLogger } from '../../gateway/log.js'
import { tempDir } from '../helpers/tmp.js'
import { storeConfig } from '../helpers/sync-harness.js'
import { campaign, makeChain } from '../helpers/vouchers.js'
import { waitFor } from '../helpers/wait.js'

describe('embedded sync', () => {
  const tmp = tempDir()
  afterAll(() => tmp.cleanup())

  it('refuses to start when the embedded broker port is taken, and leaves nothing running', async () => {
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', () => resolve()))
    const port = (taken.address() as { port: number }).port
    const config = storeConfig(tmp.dir, 'shop-a', 'embedded')
    const gateway = await Gateway.open({
      config: {
        ...config,
        http: { ...config.http, port: 0 },
        sync: { ...config.sync, embedded: { ...config.sync.embedded, port } },
      },
      log: silentLogger(),
    })
    await expect(gateway.start()).rejects.toThrow(new RegExp(`EADDRINUSE.*${port}`))
    taken.close()
    // Nothing left behind: the same data dir starts again once the port is free.
    const again = await Gateway.open({
      config: {
        ...config,
        http: { ...config.http, port: 0 },
        sync: { ...config.sync, embedded: { ...config.sync.embedded, port: 0 } },
      },
      log: silentLogger(),
    })
    await again.start()
    expect(again.sync.status().broker).toBe('embedded')
    await again.stop()
  })

  it('answers online checks through the embedded broker and ingest', async () => {
    const chain = await makeChain(
      `${tmp.dir}/chain`,
      [{ id: 'shop-a', merchant: 'm-a' }],
      [campaign({ id: 14, onlineCheckAbove: 1000 })],
      {
        sync: { broker: 'embedded', embedded: { port: 0 } },
      },
    )
    const gateway = await Gateway.open({ config: chain.stores.get('shop-a')!.config, log: silentLogger() })
    await gateway.start()
    try {
      await waitFor(() => gateway.sync.status().state === 'online', 'embedded link up')
      const { code } = await gateway.vouchers.issue({ campaignId: 14, channel: 'cli' })
      const ctx = { device: null, cashier: null, source: {} }
      expect(await gateway.vouchers.redeem(code, ctx)).toMatchObject({ ok: true })
      expect(await gateway.vouchers.redeem(code, ctx)).toMatchObject({ ok: false, reason: 'already_redeemed' })
    } finally {
      await gateway.stop()
    }
  })
})
