/**
 * `tillside cloud --broker <url> [--db cloud.db] [--shared] [--id <clientId>]`: the
 * reference cloud ingest as its own process, beside a real broker. Several of them with
 * --shared split the load (MQTT 5 shared subscription) over one database.
 */
import { createRootLogger, moduleLogger } from '../log.js'
import { MqttLink } from '../../sync/mqtt-link.js'
import { CloudStore } from '../../sync/ingest/cloud-store.js'
import { Ingest, ingestSubscriptions } from '../../sync/ingest/ingest.js'

export interface CloudArgs {
  broker?: string
  db?: string
  shared?: boolean
  id?: string
}

export async function runCloud(args: CloudArgs): Promise<number> {
  if (!args.broker || !/^mqtts?:\/\/\S+$/.test(args.broker)) {
    process.stderr.write('tillside cloud: --broker mqtt://host:1883 (or mqtts://…) is required\n')
    return 2
  }
  if (args.id !== undefined && !/^[A-Za-z0-9_.-]{1,64}$/.test(args.id)) {
    process.stderr.write(`tillside cloud: --id ${args.id} is not a valid client id (letters, digits, _ . -)\n`)
    return 2
  }
  const log = createRootLogger('info')
  const store = new CloudStore(args.db ?? 'cloud.db')
  const shared = args.shared ?? false
  const link = new MqttLink(
    {
      url: args.broker,
      clientId: args.id ?? `tillside-ingest-${process.pid}`,
      protocolVersion: 5,
      keepaliveSeconds: 30,
      subscriptions: ingestSubscriptions(shared),
      reconnect: { initialMs: 500, maxMs: 30_000 },
    },
    moduleLogger(log, 'cloud:link'),
  )
  const ingest = new Ingest(store, link, { shared, maxBatchBytes: 16 * 1024 * 1024 }, moduleLogger(log, 'cloud:ingest'))
  ingest.onIngested = (r) => r.inserted > 0 && log.debug({ store: r.store, events: r.inserted, acked: r.contiguous }, 'stored')
  link.start()
  log.info({ broker: args.broker, db: args.db ?? 'cloud.db', shared }, 'cloud ingest running')
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await link.stop()
  store.close()
  log.info({ ...ingest.stats }, 'cloud ingest stopped')
  return 0
}
