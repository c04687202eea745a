/** A built fastify app as a lifecycle module: it listens on start and closes on stop. */
import type { FastifyInstance } from 'fastify'
import type { Module } from '../lifecycle.js'

export class HttpModule implements Module {
  address = ''
  constructor(
    readonly name: string,
    readonly app: FastifyInstance,
    private readonly host: string,
    private readonly port: number,
  ) {}
  async start(): Promise<void> {
    this.address = await this.app.listen({ host: this.host, port: this.port })
  }
  async stop(): Promise<void> {
    await this.app.close()
  }
}
