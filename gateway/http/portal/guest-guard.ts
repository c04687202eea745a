/**
 * The main listener (till, POS, admin, kiosk) refuses guest Wi-Fi addresses, whatever
 * address it is bound to: a guest reaches only the portal's own listener. (With the
 * nftables controller the firewall already drops guests at this machine's other ports.)
 */
import { BlockList, isIPv4 } from 'node:net'
import type { FastifyInstance } from 'fastify'

export function guestBlockList(cidrs: string[]): BlockList {
  const list = new BlockList()
  for (const cidr of cidrs) {
    const [net, bits] = cidr.split('/')
    list.addSubnet(net!, Number(bits), isIPv4(net!) ? 'ipv4' : 'ipv6')
  }
  return list
}

export function isGuest(list: BlockList, ip: string): boolean {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip
  return isIPv4(v4) ? list.check(v4, 'ipv4') : list.check(ip, 'ipv6')
}

export function guestGuard(app: FastifyInstance, cidrs: string[]): void {
  if (cidrs.length === 0) return
  const list = guestBlockList(cidrs)
  app.addHook('onRequest', async (req, reply) => {
    if (!isGuest(list, req.socket.remoteAddress ?? '')) return
    req.log.warn({ ip: req.socket.remoteAddress, url: req.url }, 'guest network refused on the main listener')
    return reply
      .code(403)
      .send({ error: 'guest_network', message: 'the till, POS and admin are not reachable from the guest Wi-Fi' })
  })
}
