/**
 * A till scan and its voucher outcome are one commit, one fsync (docs/journal.md, "One
 * commit per till decision"; issue #14, item 6). Three files cooperate for it: the scan
 * pipeline hands the scan to the till in the tick it submits the append, the till asks the
 * voucher service at once, and the voucher service submits its command without awaiting
 * anything first — so both land in the journal's same group-commit batch.
 */
import { describe, expect, it } from 'vitest'
import { POS_TOKEN, startStoreGateway } from '../helpers/vouchers.js'
import { waitFor } from '../helpers/wait.js'

describe('one commit per till decision', () => {
  it('journals the scan and its redemption, or its rejection, in the same commit', async () => {
    const { gateway, app, stop } = await startStoreGateway({
      devices: [{ id: 'till-1', kind: 'scanner', role: 'till', transport: { type: 'simulator' } }],
    })
    try {
      const issued = await fetch(`${gateway.address}/api/pos/vouchers/issue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${POS_TOKEN}` },
        body: JSON.stringify({ campaign: 12 }),
      })
      const { code } = (await issued.json()) as { code: string }
      const { devices, till } = app.services
      const journal = gateway.journal
      for (const [n, expected] of [
        [1, 'voucher.redeemed'],
        [2, 'voucher.rejected'],
      ] as const) {
        await waitFor(() => journal.getHealth().pending === 0, 'the journal idle')
        const before = journal.getHealth()
        const scanned = await devices.simulateScan('till-1', code)
        expect(scanned.ok).toBe(true)
        await waitFor(() => till.history().length === n, `till result ${n}`)
        await waitFor(() => journal.getHealth().pending === 0, 'the journal idle')
        const after = journal.getHealth()
        expect(after.commits - before.commits).toBe(1)
        const events = journal.readAfter(before.lastSeq)
        expect(events.map((e) => e.type)).toEqual(['scan', expected])
      }
    } finally {
      await stop()
    }
  })
})
