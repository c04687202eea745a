/**
 * The USB scanners and printers plugged in, read from sysfs: each device node (ttyACM*,
 * ttyUSB*, usb/lp*, hidraw*) with the vendor, product and serial number of the USB device
 * behind it — what a udev rule matches to give it a name that survives replugging and
 * reboots (/dev/tillside/<role>-scanner). `sysfs` is a parameter so tests can hand in a tree.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs'
import { dirname, join } from 'node:path'

export interface UsbNode {
  /** serial: a USB-serial scanner (or printer); printer: usblp; hid: a HID scanner. */
  kind: 'serial' | 'printer' | 'hid'
  /** udev's SUBSYSTEM for it. */
  subsystem: 'tty' | 'usbmisc' | 'hidraw'
  node: string
  vendor: string
  product: string
  serial: string | null
  name: string
}

const CLASSES = [
  { dir: 'class/tty', match: /^tty(ACM|USB)\d+$/, kind: 'serial', subsystem: 'tty' },
  { dir: 'class/usbmisc', match: /^lp\d+$/, kind: 'printer', subsystem: 'usbmisc' },
  { dir: 'class/hidraw', match: /^hidraw\d+$/, kind: 'hid', subsystem: 'hidraw' },
] as const

const read = (file: string) => {
  try {
    return readFileSync(file, 'utf8').trim() || null
  } catch {
    return null
  }
}

export function usbNodes(sysfs = '/sys'): UsbNode[] {
  const nodes: UsbNode[] = []
  for (const c of CLASSES) {
    const dir = join(sysfs, c.dir)
    if (!existsSync(dir)) continue
    for (const name of readdirSync(dir)
      .filter((n) => c.match.test(n))
      .sort(byNumber)) {
      // Up from the class device to the USB device: the first folder with idVendor.
      let at = realpathSync(join(dir, name))
      while (at.startsWith(sysfs) && !existsSync(join(at, 'idVendor'))) at = dirname(at)
      const vendor = read(join(at, 'idVendor'))
      const product = read(join(at, 'idProduct'))
      if (!vendor || !product) continue // not USB (a built-in serial port)
      nodes.push({
        kind: c.kind,
        subsystem: c.subsystem,
        node: `/dev/${c.subsystem === 'usbmisc' ? 'usb/' : ''}${name}`,
        vendor,
        product,
        serial: read(join(at, 'serial')),
        name:
          [read(join(at, 'manufacturer')), read(join(at, 'product'))].filter(Boolean).join(' ') ||
          `${vendor}:${product}`,
      })
    }
  }
  return nodes
}

const byNumber = (a: string, b: string) => Number(/\d+$/.exec(a)?.[0]) - Number(/\d+$/.exec(b)?.[0])

const quoted = (s: string) => s.replace(/["\\]/g, '')

/** One udev rule: the stable name, and the tillside group may open it. */
export function udevRule(n: UsbNode, link: string): string {
  const match = [
    `SUBSYSTEM=="${n.subsystem}"`,
    `ATTRS{idVendor}=="${quoted(n.vendor)}"`,
    `ATTRS{idProduct}=="${quoted(n.product)}"`,
    ...(n.serial ? [`ATTRS{serial}=="${quoted(n.serial)}"`] : []),
  ]
  const note = n.serial ? '' : ' (no serial number: a second one of these would get the same name)'
  return `# ${n.name.replace(/\n/g, ' ')}, ${n.vendor}:${n.product}${n.serial ? ` serial ${n.serial}` : ''} — now ${n.node}${note}\n${[...match, `SYMLINK+="tillside/${link}"`, 'GROUP="tillside"', 'MODE="0660"'].join(', ')}`
}
