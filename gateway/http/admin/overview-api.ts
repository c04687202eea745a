/**
 * The overview's data: GET /admin/api/overview once, and /admin/api/events, a
 * Server-Sent Events stream that sends it again the moment a scanner or printer changes
 * (the bus) and every few seconds (the sync link, the journal, the disk).
 */
import { openEventStream } from '../event-stream.js'
import { statfsSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import { overview, type Overview } from '../../admin/overview.js'
import type { ConsoleKit } from './console-kit.js'

const REFRESH_MS = 5000
let streams = 0

export function overviewApi(app: FastifyInstance, kit: ConsoleKit): void {
  const { config, devices, print, sync, journal, integrity, kiosk, portal, bus, backOffice } = app.services

  const disk = () => {
    try {
      const s = statfsSync(config.dataDir)
      return { free: s.bavail * s.bsize, total: s.blocks * s.bsize }
    } catch {
      return null
    }
  }
  const snapshot = (): Overview =>
    overview({
      scanners: devices.status(),
      printers: print.printers(),
      printerNames: Object.fromEntries(config.printers.map((p) => [p.id, p.name])),
      sync: sync.status(),
      journal: journal.getHealth(),
      integrity: integrity.status(),
      disk: disk(),
      kioskScreens: kiosk.scans.subscribers,
      portal: portal ? { controller: config.portal.controller.type, guestsOnline: portal.sessions.openCount } : null,
      doubleUses: backOffice.doubleUses.open(),
      now: Date.now(),
    })

  app.get('/admin/api/overview', { schema: { hide: true } }, (req, reply) => {
    return kit.apiUser(req, reply, '/admin') ? snapshot() : reply
  })

  app.get('/admin/api/events', { schema: { hide: true } }, (req, reply) => {
    if (!kit.apiUser(req, reply, '/admin')) return reply
    const res = openEventStream(reply)
    let last = ''
    let sentAt = 0
    const send = () => {
      const data = JSON.stringify(snapshot())
      // Unchanged figures go out anyway now and then: the page knows its stream is alive.
      if (data !== last || Date.now() - sentAt > 3 * REFRESH_MS) {
        res.write(`event: overview\ndata: ${data}\n\n`)
        last = data
        sentAt = Date.now()
      }
    }
    res.write('retry: 2000\n\n')
    send()
    const owner = `admin-overview:${++streams}`
    bus.on(owner, 'printer.state', send)
    bus.on(owner, 'device.state', send)
    const timer = setInterval(send, REFRESH_MS)
    res.on('close', () => {
      bus.off(owner)
      clearInterval(timer)
    })
  })
}
