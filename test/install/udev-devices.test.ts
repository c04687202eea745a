/**
 * `tillside devices --udev` over a sysfs tree laid out as the kernel lays it out: a
 * USB-serial scanner, a usblp printer, a HID scanner and a built-in serial port (not USB,
 * left out). Each USB one gets a rule matching its vendor, product and serial, a stable
 * name (its role from the config where the config names it) and the tillside group.
 */
import { describe, expect, it } from 'vitest'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { usbNodes, udevRule } from '../../gateway/cli/usb-devices.js'
import { stableNames } from '../../gateway/cli/devices-cli.js'
import { runCli } from '../helpers/cli.js'
import { tempDir } from '../helpers/tmp.js'

/** /sys/devices/…/<usb device>/<interface>/<class>/<node>, linked from /sys/class/<class>/<node>. */
function plug(sys: string, cls: string, node: string, usb: Record<string, string> | null, port: string) {
  const device = join(sys, 'devices/pci0000:00/0000:00:14.0/usb1', port)
  const at = join(device, `${port}:1.0`, cls === 'usbmisc' ? 'usbmisc' : cls, node)
  mkdirSync(at, { recursive: true })
  for (const [k, v] of Object.entries(usb ?? {})) writeFileSync(join(device, k), `${v}\n`)
  mkdirSync(join(sys, 'class', cls), { recursive: true })
  symlinkSync(relative(join(sys, 'class', cls), at), join(sys, 'class', cls, node))
}

describe('tillside devices --udev', () => {
  it('writes a rule per USB scanner and printer, named by role', async () => {
    const tmp = tempDir()
    try {
      const sys = join(tmp.dir, 'sys')
      plug(
        sys,
        'tty',
        'ttyACM0',
        { idVendor: '0c2e', idProduct: '0b61', serial: '19024B1A2C', manufacturer: 'Honeywell', product: 'Xenon 1900' },
        '1-2',
      )
      plug(
        sys,
        'usbmisc',
        'lp0',
        { idVendor: '0416', idProduct: '5011', manufacturer: 'Winbond', product: 'POS58 Printer' },
        '1-3',
      )
      plug(sys, 'hidraw', 'hidraw1', { idVendor: '05e0', idProduct: '1200', serial: 'S1' }, '1-4')
      plug(sys, 'tty', 'ttyS0', null, 'serial8250') // a built-in UART: no USB device above it
      const nodes = usbNodes(sys)
      expect(nodes.map((n) => [n.node, n.kind, n.name])).toEqual([
        ['/dev/ttyACM0', 'serial', 'Honeywell Xenon 1900'],
        ['/dev/usb/lp0', 'printer', 'Winbond POS58 Printer'],
        ['/dev/hidraw1', 'hid', '05e0:1200'],
      ])
      const names = stableNames(nodes, {
        devices: [{ id: 's', kind: 'scanner', role: 'till', transport: { type: 'serial', path: '/dev/ttyACM0' } }],
        printers: [],
      } as never)
      expect(names).toEqual(['till-scanner', 'printer-1', 'hid-scanner-1'])
      expect(udevRule(nodes[0]!, names[0]!).split('\n')[1]).toBe(
        'SUBSYSTEM=="tty", ATTRS{idVendor}=="0c2e", ATTRS{idProduct}=="0b61", ATTRS{serial}=="19024B1A2C", SYMLINK+="tillside/till-scanner", GROUP="tillside", MODE="0660"',
      )
      expect(udevRule(nodes[1]!, names[1]!)).toContain(
        'no serial number: a second one of these would get the same name',
      )

      const config = join(tmp.dir, 'store.yaml')
      writeFileSync(
        config,
        'store: { id: shop-u, name: U }\nprinters: [{ id: p, role: till, transport: { type: usb, path: /dev/usb/lp0 } }]\n',
      )
      const r = await runCli(['devices', '--udev', '--sysfs', sys, '--config', config])
      expect(r.code).toBe(0)
      expect(r.stdout).toContain('SYMLINK+="tillside/till-printer"')
      expect(r.stdout.match(/^SUBSYSTEM==/gm)).toHaveLength(3)
      const list = await runCli(['devices', '--sysfs', sys, '--config', config])
      expect(list.stdout).toMatch(
        /\/dev\/ttyACM0\s+serial\s+0c2e:0b61 Honeywell Xenon 1900 \(serial 19024B1A2C\)\s+→ \/dev\/tillside\/scanner-1/,
      )
    } finally {
      tmp.cleanup()
    }
  }, 60_000)
})
