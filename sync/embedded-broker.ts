/**
 * The in-process broker behind `sync.broker: embedded` (aedes): development and
 * single-machine demos, so `npm start` shows the whole loop. It speaks MQTT 3.1.1 only
 * and keeps its state in memory; a store in production points sync.broker at a real one.
 */
import { createServer, type Server, type Socket } from 'node:net'
import { Aedes } from 'aedes'
import { warmMqttPacketCache } from './mqtt-packet-cache.js'

export class EmbeddedBroker {
  private server: Server | null = null
  private broker: Aedes | null = null
  private readonly sockets = new Set<Socket>()
  port = 0

  async start(host: string, port: number): Promise<string> {
    void warmMqttPacketCache()
    const broker = await Aedes.createBroker()
    const server = createServer((socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
      broker.handle(socket)
    })
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, () => resolve()))
    this.broker = broker
    this.server = server
    this.port = (server.address() as { port: number }).port
    return `mqtt://${host.includes(':') ? `[${host}]` : host}:${this.port}`
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
    await new Promise<void>((resolve) => (this.broker ? this.broker.close(() => resolve()) : resolve()))
    this.server = null
    this.broker = null
  }
}
