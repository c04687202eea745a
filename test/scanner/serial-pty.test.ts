/**
 * Serial scanners through a real socat pty pair, opened with serialport: framing
 * variants, AIM identifiers, split frames, garbage, overflow, unplug and replug.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import Database from 'better-sqlite3'
import { requireProgram } from '../helpers/system.js'
import { PtyPair } from '../helpers/socat.js'
import { tempDir } from '../helpers/tmp.js'
import { ScannerHarness, serialScanner } from '../helpers/scanner-harness.js'
import { waitFor } from '../helpers/wait.js'

const haveSocat = requireProgram('socat', 'serial scanner pty tests')

describe.skipIf(!haveSocat)('serial scanner through a socat pty pair', () => {
  let tmp: ReturnType<typeof tempDir>
  let ptys: PtyPair[]
  let harness: ScannerHarness | null

  beforeEach(() => {
    tmp = tempDir()
    ptys = []
    harness = null
  })
  afterEach(async () => {
    await harness?.stop()
    for (const p of ptys) await p.stop()
    tmp.cleanup()
  })

  async function pty(name: string): Promise<PtyPair> {
    const p = new PtyPair(join(tmp.dir, `${name}-dev`), join(tmp.dir, `${name}-host`))
    await p.start()
    ptys.push(p)
    return p
  }

  it('frames by CR, LF, CRLF, TAB and idle gap; every scan is journaled before the bus sees it', async () => {
    const names = ['CR', 'LF', 'CRLF', 'TAB', 'idle'] as const
    const pairs = await Promise.all(names.map((n) => pty(n.toLowerCase())))
    harness = new ScannerHarness(
      tmp.dir,
      names.map((framing, i) =>
        serialScanner(`s-${framing.toLowerCase()}`, pairs[i]!.devicePath, { framing, idleGapMs: 40 }),
      ),
    )
    const journaledWhenSeen: boolean[] = []
    harness.bus.on('check', 'scan', (s) => {
      const db = new Database(harness!.journal.file, { readonly: true })
      journaledWhenSeen.push(Boolean(db.prepare('SELECT 1 FROM events WHERE id = ?').get(s.id)))
      db.close()
    })
    await harness.start()
    for (const n of names) await harness.waitState(`s-${n.toLowerCase()}`, 'online')
    const suffix = { CR: '\r', LF: '\n', CRLF: '\r\n', TAB: '\t', idle: '' }
    await Promise.all(names.map((n, i) => pairs[i]!.write(`CODE-${n}-1${suffix[n]}`)))
    await harness.waitScans(5)
    await Promise.all(names.map((n, i) => pairs[i]!.write(`CODE-${n}-2${suffix[n]}`)))
    await harness.waitScans(10)
    for (const n of names) {
      const got = harness.scans.filter((s) => s.deviceId === `s-${n.toLowerCase()}`).map((s) => s.data)
      expect(got).toEqual([`CODE-${n}-1`, `CODE-${n}-2`])
    }
    expect(journaledWhenSeen).toEqual(Array(10).fill(true))
    expect(harness.rejections).toEqual([])
  })

  it('parses AIM identifiers and strips a configured prefix and suffix', async () => {
    const p = await pty('aim')
    harness = new ScannerHarness(tmp.dir, [
      serialScanner('aim', p.devicePath, {}, { symbologyIds: 'aim', stripPrefix: '@', stripSuffix: '#' }),
    ])
    await harness.start()
    await harness.waitState('aim', 'online')
    await p.write('@]Q1TS1:ABC123#\r@]E04006381333931#\r@]C1\x1d0104012345012345#\r@no-aim#\r')
    await harness.waitScans(4)
    expect(harness.scans.map((s) => [s.symbology, s.aimId, s.data])).toEqual([
      ['qr', ']Q1', 'TS1:ABC123'],
      ['ean-13', ']E0', '4006381333931'],
      ['gs1-128', ']C1', '\x1d0104012345012345'],
      [null, null, 'no-aim'],
    ])
  })

  it('reassembles frames split across many reads', async () => {
    const p = await pty('split')
    harness = new ScannerHarness(tmp.dir, [serialScanner('split', p.devicePath, { framing: 'CRLF' })])
    await harness.start()
    await harness.waitState('split', 'online')
    for (const ch of 'SPLIT-ONE\r\nSPLIT-TWO\r') {
      await p.write(ch)
      await sleep(2)
    }
    await p.write('\n')
    await harness.waitScans(2)
    expect(harness.scans.map((s) => s.data)).toEqual(['SPLIT-ONE', 'SPLIT-TWO'])
  })

  it('rejects garbage and a 1 MB unterminated line with a warning, keeping the scans around them', async () => {
    const p = await pty('noise')
    harness = new ScannerHarness(tmp.dir, [serialScanner('noise', p.devicePath, { maxFrameBytes: 1024 })])
    await harness.start()
    await harness.waitState('noise', 'online')
    await p.write('BEFORE\r')
    await p.write(Buffer.from([0x00, 0x00, 0xff, 0xfe, 0x13, 0x37, 0x0d])) // NULs + invalid UTF-8
    await p.write(Buffer.from('bin\x00ary\r', 'latin1'))
    const mb = Buffer.alloc(1024 * 1024, 'A')
    await p.write(mb)
    await p.write('\rAFTER\r')
    await harness.waitScans(2, 20_000)
    await harness.waitRejections(3)
    expect(harness.scans.map((s) => s.data)).toEqual(['BEFORE', 'AFTER'])
    expect(harness.rejections.map((r) => r.reason)).toEqual(['bad_encoding', 'control_chars', 'overflow'])
    expect(harness.rejections[2]!.bytes).toBeGreaterThanOrEqual(1024 * 1024)
    const warns = harness.logs.lines.filter((l) => l.level === 40 && l.msg === 'scanner input rejected')
    expect(warns.map((w) => w.deviceId)).toEqual(['noise', 'noise', 'noise'])
    expect(harness.journal.readAfter(0).map((e) => [e.type, (e.payload as { data: string }).data])).toEqual([
      ['scan', 'BEFORE'],
      ['scan', 'AFTER'],
    ])
  })

  it('goes offline when unplugged mid-frame, drops the partial scan, and resumes after replug', async () => {
    const p = await pty('plug')
    harness = new ScannerHarness(tmp.dir, [serialScanner('plug', p.devicePath)])
    await harness.start()
    await harness.waitState('plug', 'online')
    await p.write('FIRST\r')
    await harness.waitScans(1)
    await p.write('HALF-A-SCA')
    await sleep(50)
    await p.stop()
    await harness.waitState('plug', 'offline')
    const offline = harness.devices.status()[0]!
    expect(offline.reason).toBe('disconnected')
    await waitFor(() => harness!.rejections.find((r) => r.reason === 'partial_frame'), 'partial frame rejection')
    await sleep(300) // a few failed reconnect attempts while unplugged
    expect(harness.state('plug')).toBe('offline')
    await p.start()
    await harness.waitState('plug', 'online')
    await p.write('SECOND\r')
    await harness.waitScans(2)
    expect(harness.scans.map((s) => s.data)).toEqual(['FIRST', 'SECOND'])
    const seen = harness.states.filter((s) => s.deviceId === 'plug').map((s) => s.state)
    expect(seen.filter((s, i) => s !== seen[i - 1])).toEqual(['online', 'offline', 'online'])
  })

  it('reports a missing port as offline with reason not_found and keeps retrying', async () => {
    harness = new ScannerHarness(tmp.dir, [serialScanner('ghost', join(tmp.dir, 'nope'))])
    await harness.start()
    await harness.waitState('ghost', 'offline')
    const s = harness.devices.status()[0]!
    expect(s.reason).toBe('not_found')
    expect(s.nextRetryAt).not.toBeNull()
  })
})
