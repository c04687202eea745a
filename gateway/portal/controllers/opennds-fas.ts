/**
 * openNDS's Forwarding Authentication Service, level 1 (fas_secure_enabled 1), as openNDS
 * 9.x speaks it: the router sends the guest to the FAS with `?fas=` = base64 of
 * "key=value, key=value, …" (hid, clientip, clientmac, gatewayname, gatewayaddress,
 * originurl, …). hid is the SHA-256 of the guest's secret token, so the FAS never sees the
 * token; the FAS lets the guest on by sending its browser to
 * http://{gatewayaddress}/opennds_auth/?tok=sha256(hid + faskey), which only the holder of
 * the faskey can compute and only works for that guest.
 */
import { createHash } from 'node:crypto'

export interface FasQuery {
  hid: string
  clientip: string
  clientmac: string
  gatewayname: string
  gatewayaddress: string
  originurl: string | null
}

export class FasQueryError extends Error {
  override readonly name = 'FasQueryError'
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/

/** Parses and checks a level-1 `fas` parameter; FasQueryError names what is wrong. */
export function parseFasQuery(
  fas: string | undefined,
  expect: { gatewayAddresses: string[]; gatewayName?: string },
): FasQuery {
  if (!fas) throw new FasQueryError('no fas parameter: open the portal through the Wi-Fi login page')
  if (fas.length > 4096 || !/^[A-Za-z0-9+/=_-]+$/.test(fas)) throw new FasQueryError('the fas parameter is not base64')
  const fields = new Map<string, string>()
  for (const part of Buffer.from(fas, 'base64').toString('utf8').split(', ')) {
    const eq = part.indexOf('=')
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim())
  }
  const need = (key: string) => {
    const v = fields.get(key)
    if (!v || v === '(null)') throw new FasQueryError(`the fas query has no ${key}`)
    return v
  }
  const q: FasQuery = {
    hid: need('hid').toLowerCase(),
    clientip: need('clientip'),
    clientmac: need('clientmac').toLowerCase(),
    gatewayname: decodeURIComponent(need('gatewayname')),
    gatewayaddress: need('gatewayaddress'),
    originurl: fields.has('originurl') ? safeDecode(fields.get('originurl')!) : null,
  }
  if (!/^[0-9a-f]{64}$/.test(q.hid)) throw new FasQueryError('hid is not a SHA-256 hash')
  if (!IPV4.test(q.clientip)) throw new FasQueryError(`clientip ${q.clientip} is not an IPv4 address`)
  if (!MAC.test(q.clientmac)) throw new FasQueryError(`clientmac ${q.clientmac} is not a MAC address`)
  // The auth link goes to gatewayaddress: only routers we know may receive it.
  if (!expect.gatewayAddresses.includes(q.gatewayaddress))
    throw new FasQueryError(`gateway ${q.gatewayaddress} is not one of this store's openNDS routers`)
  // openNDS appends " Node:{mac} " to the configured name.
  if (expect.gatewayName && q.gatewayname.split(' Node:')[0]!.trim() !== expect.gatewayName)
    throw new FasQueryError(`gatewayname ${q.gatewayname} is not this store's`)
  return q
}

/** The authorisation token openNDS expects for this guest: sha256(hid + faskey), hex. */
export function fasToken(hid: string, faskey: string): string {
  return createHash('sha256')
    .update(hid + faskey)
    .digest('hex')
}

export interface SessionLimits {
  sessionSeconds: number
  uploadRateKbit: number
  downloadRateKbit: number
  uploadQuotaKB: number
  downloadQuotaKB: number
}

/**
 * The `custom` string openNDS hands to BinAuth (scripts/opennds/tillside-binauth.sh), which
 * prints the per-guest session length (seconds), rates (kbit/s) and quotas (kB) back.
 */
export function binauthCustom(sessionId: string, l: SessionLimits): string {
  const text = `tillside=${sessionId}, session_length=${l.sessionSeconds}, upload_rate=${l.uploadRateKbit}, download_rate=${l.downloadRateKbit}, upload_quota=${l.uploadQuotaKB}, download_quota=${l.downloadQuotaKB}`
  return Buffer.from(text).toString('base64')
}

/** Where the guest's browser authorises itself at its router. */
export function authUrl(q: FasQuery, faskey: string, redir: string, custom: string): string {
  const params = new URLSearchParams({ tok: fasToken(q.hid, faskey), redir, custom })
  return `http://${q.gatewayaddress}/opennds_auth/?${params.toString()}`
}

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s)
  } catch {
    return null
  }
}
