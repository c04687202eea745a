/**
 * Doctor's checks of what `start` needs beyond the devices and the database: the voucher
 * files (campaigns parse, the trust list verifies under the root key), the printers'
 * paths or addresses, the cloud's broker (reachable, its TLS files readable), the Wi-Fi
 * controller's prerequisites, the data disk's free space, and the clock (vouchers expire
 * and events are ordered by it). Each says what to do when it fails.
 */
import { spawnSync } from 'node:child_process'
import { accessSync, constants, readFileSync, statfsSync } from 'node:fs'
import { connect } from 'node:net'
import { resolve } from 'node:path'
import type { Config } from '../../config/schema.js'
import { loadCampaignFile } from '../vouchers/campaigns.js'
import { publicKeyFromText } from '../vouchers/keys.js'
import { TrustList } from '../vouchers/trust-list.js'

export type Mark = '✓' | '!' | '✗'
export type Say = (mark: Mark, text: string) => void

const readable = (file: string): string | null => {
  try {
    accessSync(file, constants.R_OK)
    return null
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'not readable by this user'
  }
}

/** A TCP connection to host:port within 3 s: null, or why not. */
function reach(host: string, port: number): Promise<string | null> {
  return new Promise((done) => {
    const socket = connect({ host, port, timeout: 3000 })
    const end = (why: string | null) => {
      socket.destroy()
      done(why)
    }
    socket.once('connect', () => end(null))
    socket.once('timeout', () => end('no answer within 3 s'))
    socket.once('error', (err: NodeJS.ErrnoException) => end(err.code ?? err.message))
  })
}

export function checkVoucherFiles(config: Config, say: Say): void {
  const v = config.vouchers
  if (v.campaignsFile) {
    try {
      say('✓', `campaigns ${v.campaignsFile}: ${loadCampaignFile(v.campaignsFile).length} campaign(s)`)
    } catch (err) {
      say('✗', `campaigns ${v.campaignsFile}: ${(err as Error).message.replace(/\n\s*/g, '; ')}`)
    }
  }
  if (!v.rootPublicKey)
    return say(
      config.dev ? '!' : '✗',
      'vouchers.rootPublicKey is not set: no other store’s voucher is trusted (ask your operator for it)',
    )
  if (!v.trustListFile) return say('!', 'vouchers.trustListFile is not set: the trust list comes from the cloud only')
  try {
    const list = TrustList.verify(
      JSON.parse(readFileSync(v.trustListFile, 'utf8')),
      publicKeyFromText(v.rootPublicKey, 'vouchers.rootPublicKey'),
    )
    say('✓', `trust list ${v.trustListFile}: version ${list.version}, ${list.size} issuer(s), signature ok`)
  } catch (err) {
    say('✗', `trust list ${v.trustListFile}: ${(err as Error).message} (ask your operator for the current one)`)
  }
}

export async function checkPrinters(config: Config, say: Say): Promise<void> {
  for (const p of config.printers) {
    const label = `printer ${p.name ?? p.id} (${p.transport.type})`
    const t = p.transport
    if (t.type === 'simulator') say('✓', `${label}: simulated`)
    else if (t.type === 'tcp') {
      const why = await reach(t.host, t.port)
      say(
        why ? '✗' : '✓',
        `${label}: ${t.host}:${t.port} ${why ? `cannot be reached (${why}): is it on and on the network?` : 'answers'}`,
      )
    } else {
      try {
        accessSync(t.path, constants.R_OK | constants.W_OK)
        say('✓', `${label}: ${t.path} opens for writing`)
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code
        say(
          '✗',
          `${label}: ${t.path} ${code === 'ENOENT' ? 'is not there: plugged in? (tillside devices lists what is)' : 'cannot be opened by this user: is it in the lp/dialout group?'}`,
        )
      }
    }
  }
}

export async function checkBroker(config: Config, say: Say): Promise<void> {
  const s = config.sync
  if (s.broker === 'none')
    return say('!', 'sync.broker is none: nothing reaches the cloud (events wait in the journal)')
  if (s.broker === 'embedded') return say('✓', 'sync: the embedded broker and cloud (development)')
  const url = new URL(s.broker)
  for (const [key, file] of [
    ['sync.passwordFile', s.passwordFile],
    ['sync.tls.ca', s.tls?.ca],
    ['sync.tls.cert', s.tls?.cert],
    ['sync.tls.key', s.tls?.key],
  ] as const) {
    if (!file) continue
    const why = readable(file)
    say(why ? '✗' : '✓', `${key} ${file}: ${why ?? 'readable'}`)
  }
  const port = Number(url.port) || (url.protocol === 'mqtts:' ? 8883 : 1883)
  const why = await reach(url.hostname, port)
  // Offline is a state the store works in, not a reason to refuse to start.
  say(
    why ? '!' : '✓',
    `broker ${url.hostname}:${port}: ${why ? `cannot be reached now (${why}); the gateway works offline and sends later` : 'reachable'}`,
  )
}

export function checkPortalController(config: Config, say: Say): void {
  if (!config.portal.enabled) return
  const c = config.portal.controller
  if (c.type === 'nftables') {
    const nft = spawnSync('nft', ['list', 'tables'], { encoding: 'utf8' })
    if (nft.error) return say('✗', 'portal nftables: the nft program is not installed (apt install nftables)')
    say(
      nft.status === 0 ? '✓' : '✗',
      `portal nftables: ${nft.status === 0 ? 'nft works' : `nft cannot run here (${nft.stderr.trim()}): the service needs CAP_NET_ADMIN (the installer's nftables drop-in)`}`,
    )
  } else if (c.type === 'opennds') {
    const why = readable(c.faskeyFile)
    say(why ? '✗' : '✓', `portal openNDS faskey ${c.faskeyFile}: ${why ?? 'readable'}`)
  }
}

export function checkDisk(config: Config, say: Say): void {
  let s
  try {
    s = statfsSync(resolve(config.dataDir, '..'))
  } catch {
    return say('!', `disk of ${config.dataDir}: cannot tell`)
  }
  const free = s.bavail * s.bsize
  const share = free / (s.blocks * s.bsize)
  const gb = (free / 1e9).toFixed(1)
  if (free < 200e6) say('✗', `disk of ${config.dataDir}: only ${gb} GB free: free space before starting`)
  else if (share < 0.1)
    say('!', `disk of ${config.dataDir}: ${gb} GB free (${Math.round(share * 100)} %): free space soon`)
  else say('✓', `disk of ${config.dataDir}: ${gb} GB free`)
}

export function checkClock(say: Say): void {
  const r = spawnSync('timedatectl', ['show', '-p', 'NTPSynchronized', '--value'], { encoding: 'utf8' })
  if (r.error || r.status !== 0) return say('!', 'clock: cannot ask timedatectl whether it is synchronised')
  if (r.stdout.trim() === 'yes') say('✓', 'clock: synchronised (NTP)')
  else
    say(
      '!',
      'clock: not synchronised: voucher expiry and the order of events need the right time (timedatectl set-ntp true)',
    )
}
