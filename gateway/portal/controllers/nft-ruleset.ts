/**
 * The nftables ruleset of the guest router. Two sets hold the authorised guests, keyed
 * by address and MAC together (a guest cannot borrow an authorised neighbour's address):
 * `sessions` expires each guest at the end of its session; `idle` is refreshed by the
 * guest's own traffic and drops it after the idle timeout. The kernel does both by timer,
 * so access ends on time even while the gateway is busy or down.
 */
export interface RulesetOptions {
  table: string
  iface: string
  portalPort: number
  allowPorts: number[]
  idleSeconds: number
}

export function portalRuleset(o: RulesetOptions): string {
  const guest = `iifname "${o.iface}"`
  const known = 'ip saddr . ether saddr @sessions ip saddr . ether saddr @idle'
  const tcpPorts = [53, o.portalPort, ...o.allowPorts].join(', ')
  return `table inet ${o.table} {}
delete table inet ${o.table}
table inet ${o.table} {
  set sessions { type ipv4_addr . ether_addr; flags timeout; }
  set idle { type ipv4_addr . ether_addr; flags dynamic, timeout; timeout ${o.idleSeconds}s; }
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    ${guest} ${known} return
    # Before login every web request lands on the portal, whatever host it was for.
    ${guest} tcp dport 80 redirect to :${o.portalPort}
  }
  chain input {
    type filter hook input priority filter; policy accept;
    ${guest} ct state established,related accept
    ${guest} udp dport { 53, 67 } accept
    ${guest} tcp dport { ${tcpPorts} } accept
    ${guest} icmp type echo-request accept
    # The till, POS and admin listeners are on this machine too: guests never reach them.
    ${guest} drop
  }
  chain forward {
    type filter hook forward priority filter; policy accept;
    ${guest} ${known} update @idle { ip saddr . ether saddr } accept
    # HTTPS cannot be redirected to the portal; a reset fails fast instead of hanging.
    ${guest} tcp dport 443 reject with tcp reset
    ${guest} reject with icmpx type admin-prohibited
    oifname "${o.iface}" ct state established,related accept
    oifname "${o.iface}" drop
  }
}
`
}

/** One element of the sets: address and MAC as nft writes them. */
export function element(ip: string, mac: string): string {
  return `${ip} . ${mac}`
}
