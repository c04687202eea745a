/**
 * A connection whose first packet says both "ready" and "goodbye" — what a cloud worker
 * reads when PostgreSQL is killed just as the connection is made. The server here speaks
 * just enough of the wire protocol to write that packet in one piece (a real server does
 * so only by the luck of timing: this worker crashed on it once in ~10 fault rounds).
 * The work must fail with an error, and the process must not meet an unhandled 'error'.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createServer, type Server, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { createPool, withClient } from '../../sync/ingest/pg/pg-client.js'
import { silentLogger } from '../../gateway/log.js'

/** One backend message: its type byte, its length (itself included), its body. */
function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5)
  head.write(type, 0, 'latin1')
  head.writeInt32BE(body.length + 4, 1)
  return Buffer.concat([head, body])
}

const int32 = (n: number) => {
  const b = Buffer.alloc(4)
  b.writeInt32BE(n)
  return b
}

/** AuthenticationOk, ReadyForQuery and the FATAL of a dying server, in one write. */
const READY_THEN_GOODBYE = Buffer.concat([
  message('R', int32(0)),
  message('Z', Buffer.from('I')),
  message('E', Buffer.from('SFATAL\0C57P01\0Mterminating connection due to unexpected postmaster exit\0\0', 'latin1')),
])

describe('a pooled connection told goodbye as it is made', () => {
  let server: Server | undefined
  afterEach(() => server?.close())

  it('fails the work with an error, and nothing is left unhandled', async () => {
    const sockets: Socket[] = []
    server = createServer((socket) => {
      sockets.push(socket)
      // The startup message (its length first): answered whole, then the server is gone.
      socket.once('data', () => socket.end(READY_THEN_GOODBYE))
    })
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const pool = createPool(`postgres://tillside@127.0.0.1:${port}/tillside`, 2, silentLogger())
    const unhandled: unknown[] = []
    const onUncaught = (err: unknown) => unhandled.push(err)
    process.prependListener('uncaughtException', onUncaught)
    try {
      for (let i = 0; i < 3; i++)
        await expect(withClient(pool, (client) => client.query('SELECT 1'))).rejects.toThrow(/not queryable|terminat/)
      expect(sockets).toHaveLength(3) // each broken connection was thrown away, not reused
      expect(unhandled).toEqual([])
    } finally {
      process.off('uncaughtException', onUncaught)
      await pool.end()
    }
  })
})
