// The naive way, for sync.drain's side-by-side: read the journal and hand every event to
// mqtt.js at QoS 1 (its defaults: in-memory queue, reconnect every second), treating an
// event as sent once handed over. mqtt.js stalls for good once more than 65,535 QoS 1
// messages wait for their PUBACK (message ids run out), so it is handed CHUNK events at
// a time, the next chunk when the last is acknowledged. Prints progress and its figures.
import Database from 'better-sqlite3'
import { connect } from 'mqtt'

const CHUNK = 50_000
const [dbFile, url, topic] = process.argv.slice(2) as [string, string, string]
const db = new Database(dbFile, { readonly: true })
const client = connect(url, { protocolVersion: 5, clientId: `naive-${process.pid}` })
const rows = db.prepare('SELECT seq, id, type, time, device, payload FROM events WHERE seq > ? ORDER BY seq LIMIT ?')
const total = db.prepare('SELECT count(*) FROM events').pluck().get() as number
let acked = 0
let handed = 0
const t0 = performance.now()

function handOver(after: number): void {
  const chunk = rows.all(after, CHUNK) as { seq: number }[]
  let left = chunk.length
  handed += chunk.length
  process.stdout.write(`handed ${handed}\n`)
  for (const row of chunk) {
    client.publish(topic, JSON.stringify(row), { qos: 1 }, (err) => {
      if (err) return
      acked++
      if (acked % 10_000 === 0) process.stdout.write(`acked ${acked}\n`)
      if (--left > 0) return
      if (acked < total) return handOver(row.seq)
      process.stdout.write(
        `${JSON.stringify({ done: true, events: acked, ms: performance.now() - t0, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
      )
      client.end(false, {}, () => process.exit(0))
    })
  }
}
handOver(0)
