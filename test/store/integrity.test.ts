/**
 * Start-up does not read the whole database (issue #13, item 10): the full integrity
 * check runs in the background after start and raises an alarm. A journal with a damaged
 * page away from what start-up touches still starts, and the check finds the damage.
 */
import { closeSync, openSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Gateway, databasePath } from '../../gateway/runtime/gateway.js'
import { Journal } from '../../gateway/store/journal.js'
import { silentLogger } from '../../gateway/log.js'
import { parseConfig } from '../../config/load.js'
import { tempDir } from '../helpers/tmp.js'
import { waitFor } from '../helpers/wait.js'

describe('background integrity check', () => {
  const tmp = tempDir()
  let gateway: Gateway | null = null
  afterEach(async () => {
    await gateway?.stop()
    gateway = null
  })

  const config = (dir: string) =>
    parseConfig(
      `store: { id: s, name: S }\ndataDir: ${dir}\nhttp: { port: 0 }\nportal: { enabled: false }\ndatabase: { integrityCheckAfterMinutes: 0 }\n`,
      'test',
    )

  it('reports ok for a sound journal, without start-up waiting for it', async () => {
    gateway = await Gateway.open({ config: config(join(tmp.dir, 'sound')), log: silentLogger() })
    await gateway.start()
    const status = async () =>
      (await (await fetch(`${gateway!.address}/api/status`)).json()) as {
        journal: { integrity: string | null; integrityAlarm: string | null }
      }
    await waitFor(async () => (await status()).journal.integrity === 'ok', 'integrity ok')
    expect((await status()).journal.integrityAlarm).toBeNull()
  })

  it('starts on a journal with a damaged page and raises the alarm when the check finds it', async () => {
    const c = config(join(tmp.dir, 'damaged'))
    const journal = new Journal(databasePath(c), silentLogger())
    await journal.start()
    const payload = { data: 'x'.repeat(200), symbology: null, aimId: null, role: 'till' as const }
    for (let i = 0; i < 20; i++)
      await Promise.all(Array.from({ length: 1000 }, () => journal.append({ type: 'scan', payload })))
    await journal.stop() // checkpointed into the main file
    const file = databasePath(c)
    const pages = statSync(file).size / 4096
    const fd = openSync(file, 'r+')
    writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, Math.floor(pages / 2) * 4096) // a leaf in the middle of the events
    closeSync(fd)
    gateway = await Gateway.open({ config: c, log: silentLogger() })
    await gateway.start()
    const alarm = await waitFor(() => gateway!.integrity.status().alarm, 'integrity alarm', 30_000)
    expect(alarm).toMatch(/integrity check failed \(.*malformed.*\): make a backup now \(tillside backup\)/)
    const status = (await (await fetch(`${gateway.address}/api/status`)).json()) as {
      journal: { integrityAlarm: string }
    }
    expect(status.journal.integrityAlarm).toBe(alarm)
  })
})
