/**
 * `tillside devices [--udev]`: the USB scanners and printers plugged in (usb-devices.ts),
 * each with the stable name it should have; with --udev, the rules that give them those
 * names (/dev/tillside/<role>-scanner, <role>-printer) and the tillside group's access —
 * for /etc/udev/rules.d/70-tillside.rules. A device the config already names by its
 * node keeps that device's role.
 */
import { realpathSync } from 'node:fs'
import type { Config } from '../../config/schema.js'
import { udevRule, usbNodes, type UsbNode } from './usb-devices.js'

const real = (p: string) => {
  try {
    return realpathSync(p)
  } catch {
    return p
  }
}

/** The name each node gets: its role from the config where the config names it, else by kind and order. */
export function stableNames(nodes: UsbNode[], config: Pick<Config, 'devices' | 'printers'> | null): string[] {
  const known = new Map<string, string>()
  for (const d of config?.devices ?? [])
    if ('path' in d.transport && d.transport.path) known.set(real(d.transport.path), `${d.role}-scanner`)
  for (const p of config?.printers ?? [])
    if ('path' in p.transport && p.transport.path) known.set(real(p.transport.path), `${p.role}-printer`)
  const counts = new Map<string, number>()
  const taken = new Set<string>()
  return nodes.map((n) => {
    const fromConfig = known.get(n.node)
    if (fromConfig && !taken.has(fromConfig)) return (taken.add(fromConfig), fromConfig)
    const base = n.kind === 'printer' ? 'printer' : n.kind === 'hid' ? 'hid-scanner' : 'scanner'
    for (;;) {
      const i = (counts.get(base) ?? 0) + 1
      counts.set(base, i)
      if (!taken.has(`${base}-${i}`)) return (taken.add(`${base}-${i}`), `${base}-${i}`)
    }
  })
}

export function runDevices(config: Config | null, udev: boolean, sysfs = '/sys'): number {
  const nodes = usbNodes(sysfs)
  const names = stableNames(nodes, config)
  if (udev) {
    process.stdout.write(
      `# /etc/udev/rules.d/70-tillside.rules — written by tillside devices --udev\n` +
        `# Then: sudo udevadm control --reload && sudo udevadm trigger; use /dev/tillside/… in the config.\n` +
        nodes.map((n, i) => udevRule(n, names[i]!)).join('\n') +
        '\n',
    )
    return 0
  }
  if (nodes.length === 0) {
    process.stdout.write('no USB scanners or printers found (plugged in? lsusb lists what the machine sees)\n')
    return 0
  }
  for (const [i, n] of nodes.entries())
    process.stdout.write(
      `${n.node.padEnd(16)} ${n.kind.padEnd(8)} ${n.vendor}:${n.product} ${n.name}${n.serial ? ` (serial ${n.serial})` : ''}  → /dev/tillside/${names[i]}\n`,
    )
  process.stdout.write('tillside devices --udev prints the rules that give them these names\n')
  return 0
}
