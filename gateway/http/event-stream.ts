/** Server-Sent Events: takes the reply over from fastify and opens the stream (no proxy buffering). */
import type { ServerResponse } from 'node:http'
import type { FastifyReply } from 'fastify'

export function openEventStream(reply: FastifyReply): ServerResponse {
  reply.hijack()
  const res = reply.raw
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  })
  return res
}
