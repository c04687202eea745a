/**
 * The long-lived `nft -i` that guest logins go through (issue #13, item 13), against the
 * real nft in a network namespace of its own: commands apply, a failing request rejects
 * with nft's words and applies nothing, and a dead nft is replaced on the next request.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NftSession } from '../../gateway/portal/controllers/nft-session.js'
import { requireProgram } from '../helpers/system.js'
import { sh } from '../helpers/netns.js'
import { waitFor } from '../helpers/wait.js'

const ready = requireProgram('nft', 'nft session') && requireProgram('ip', 'nft session')

describe.skipIf(!ready)('nft session', () => {
  const ns = `tsn${randomBytes(3).toString('hex')}`
  let session: NftSession
  const elements = () => sh('ip', ['netns', 'exec', ns, 'nft', 'list', 'set', 'inet', 't', 's'])

  beforeAll(() => {
    sh('ip', ['netns', 'add', ns])
    sh('ip', ['netns', 'exec', ns, 'nft', 'add table inet t; add set inet t s { type ipv4_addr; flags timeout; }'])
    session = new NftSession('ip', ['netns', 'exec', ns, 'nft'])
  })
  afterAll(() => {
    session?.close()
    sh('ip', ['netns', 'delete', ns])
  })

  it('applies commands through one nft, many requests in a row', async () => {
    for (let i = 1; i <= 50; i++) await session.run(`add element inet t s { 10.1.0.${i} timeout 60s }`)
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => session.run(`add element inet t s { 10.2.0.${i + 1} timeout 60s }`)),
    )
    const listed = elements()
    expect(listed).toContain('10.1.0.50')
    expect(listed).toContain('10.2.0.50')
  })

  it("rejects a failing request with nft's own words, applies none of it, and goes on", async () => {
    await expect(session.run('add element inet t s { 10.3.0.1 }\nadd element inet t s { 10.3.0.999 }')).rejects.toThrow(
      /nft failed: Error: .*resolve/,
    )
    expect(elements()).not.toContain('10.3.0.1') // one transaction: nothing of it applied
    await expect(session.run('delete element inet t s { 10.9.9.9 }')).rejects.toThrow(/No such file or directory/)
    await session.run('add element inet t s { 10.3.0.2 timeout 60s }')
    expect(elements()).toContain('10.3.0.2')
  })

  it('starts a fresh nft when the old one is gone', async () => {
    const old = session.pid!
    process.kill(old, 'SIGKILL')
    await waitFor(() => session.pid === null, 'the dead nft noticed')
    await session.run('add element inet t s { 10.4.0.1 timeout 60s }')
    expect(session.pid).not.toBe(old)
    expect(elements()).toContain('10.4.0.1')
  })
})
