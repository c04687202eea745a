/**
 * The nftables controller: this machine routes the guest network. The ruleset
 * (nft-ruleset.ts) is replaced whole at start and removed at stop; a login adds the guest
 * to the sets with its session's remaining time, through one long-lived `nft -i`
 * (nft-session.ts); the rare whole-table and listing commands run nft on their own.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Logger } from '../../log.js'
import type { AccessController, Grant, GuestClient } from './controller.js'
import { ControllerError } from './controller.js'
import { element, portalRuleset } from './nft-ruleset.js'
import { NftSession } from './nft-session.js'

export interface NftablesOptions {
  table: string
  interface: string
  nft: string
  allowPorts: number[]
  portalPort: number
  idleSeconds: number
}

export class NftablesController implements AccessController {
  readonly kind = 'nftables' as const
  readonly name = 'portal:controller:nftables'
  private readonly session: NftSession

  constructor(
    private readonly o: NftablesOptions,
    private readonly log: Logger,
  ) {
    this.session = new NftSession(o.nft)
  }

  async start(): Promise<void> {
    // The ruleset goes in whole from a file, so nft replaces the table in one transaction.
    const dir = await mkdtemp(join(tmpdir(), 'tillside-nft-'))
    try {
      const file = join(dir, 'portal.nft')
      await writeFile(
        file,
        portalRuleset({
          table: this.o.table,
          iface: this.o.interface,
          portalPort: this.o.portalPort,
          allowPorts: this.o.allowPorts,
          idleSeconds: this.o.idleSeconds,
        }),
      )
      await this.nft(file, ['-f'])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
    this.log.info({ table: this.o.table, interface: this.o.interface }, 'guest firewall in place')
  }

  async stop(): Promise<void> {
    this.session.close()
    // Without Tillside nobody new gets on; those on keep nothing either (the table goes).
    await this.nft(`delete table inet ${this.o.table}`).catch((err: Error) =>
      this.log.warn({ err: err.message }, 'guest firewall not removed'),
    )
  }

  async macOf(ip: string): Promise<string | null> {
    const arp = await readFile('/proc/net/arp', 'utf8')
    for (const line of arp.split('\n').slice(1)) {
      const [addr, , flags, mac, , dev] = line.trim().split(/\s+/)
      if (addr === ip && dev === this.o.interface && flags !== '0x0' && mac && mac !== '00:00:00:00:00:00')
        return mac.toLowerCase()
    }
    return null
  }

  async authorise(grant: Grant): Promise<{ next: string }> {
    await this.add([grant])
    return { next: grant.landing }
  }

  async restore(grants: Grant[]): Promise<void> {
    if (grants.length > 0) await this.add(grants)
  }

  async revoke(client: GuestClient): Promise<void> {
    if (!client.mac) return
    const el = element(client.ip, client.mac)
    // One command each: a guest already gone from a set (expired) is not an error.
    for (const set of ['sessions', 'idle']) {
      await this.session.run(`delete element inet ${this.o.table} ${set} { ${el} }`).catch((err: Error) => {
        if (!/No such file or directory/.test(err.message)) throw err
      })
    }
  }

  async idleClients(): Promise<GuestClient[]> {
    const active = new Set((await this.elements('idle')).map((c) => `${c.ip} ${c.mac}`))
    return (await this.elements('sessions')).filter((c) => !active.has(`${c.ip} ${c.mac}`))
  }

  private async elements(set: string): Promise<GuestClient[]> {
    const listing = JSON.parse(await this.nft(`list set inet ${this.o.table} ${set}`, ['-j'])) as {
      nftables: { set?: { elem?: unknown[] } }[]
    }
    const clients: GuestClient[] = []
    for (const item of listing.nftables) {
      for (const e of item.set?.elem ?? []) {
        // An element with a timeout is {elem: {val, timeout, expires}}; without, the value itself.
        const val = (e as { elem?: { val: unknown } }).elem?.val ?? e
        const concat = (val as { concat?: string[] }).concat
        if (concat?.length === 2) clients.push({ ip: concat[0]!, mac: concat[1]! })
      }
    }
    return clients
  }

  private async add(grants: Grant[]): Promise<void> {
    const now = Date.now()
    const lines = grants.map((g) => {
      if (!g.client.mac)
        throw new ControllerError(
          `no MAC known for ${g.client.ip} on ${this.o.interface}; is this guest on the guest network?`,
        )
      const el = element(g.client.ip, g.client.mac)
      const seconds = Math.max(1, Math.ceil((g.expiresAt - now) / 1000))
      return `add element inet ${this.o.table} sessions { ${el} timeout ${seconds}s }\nadd element inet ${this.o.table} idle { ${el} }`
    })
    await this.session.run(lines.join('\n'))
  }

  /**
   * Runs nft with commands as its argument (";" between them): no stdin, since Node's
   * pipes are sockets, which nft cannot open as /dev/stdin. Rejects with nft's own words.
   */
  private nft(commands: string, flags: string[] = []): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        this.o.nft,
        [...flags, commands.replace(/\n/g, '; ')],
        { maxBuffer: 16 * 1024 * 1024 },
        (err, stdout, stderr) => {
          if (!err) return resolve(stdout)
          const code = (err as { code?: unknown }).code
          reject(
            new ControllerError(
              typeof code === 'string'
                ? `cannot run ${this.o.nft}: ${err.message}`
                : `nft failed (${code}): ${stderr.trim().split('\n')[0] ?? ''}`,
            ),
          )
        },
      )
    })
  }
}
