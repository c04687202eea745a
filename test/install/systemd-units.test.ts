/**
 * The systemd units shipped in scripts/systemd/ are what systemd will accept: each one
 * checked with `systemd-analyze verify` (unknown keys, bad values, a missing ExecStart
 * program), with the release path pointed at this checkout; and they say what the install
 * guide promises — notify with a watchdog, a hardened sandbox that can write only the data
 * directory, no capabilities unless the nftables drop-in adds them; and the node flags the
 * benches measured (soak.rss) are the ones the unit and `npm start` use.
 */
import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { requireProgram } from '../helpers/system.js'
import { tempDir } from '../helpers/tmp.js'
import { NODE_FLAGS } from '../../scripts/bench/gateway-process.js'

const UNITS = 'scripts/systemd'
const ready = requireProgram('systemd-analyze', 'systemd units')
const unit = (name: string) => readFileSync(join(UNITS, name), 'utf8')

describe('the shipped systemd units', () => {
  it.skipIf(!ready)('pass systemd-analyze verify, drop-in included', () => {
    const tmp = tempDir()
    try {
      const files = readdirSync(UNITS).filter((n) => /\.(service|timer)$/.test(n))
      expect(files.sort()).toEqual([
        'tillside-backup.service',
        'tillside-backup.timer',
        'tillside-kiosk.service',
        'tillside.service',
      ])
      // This checkout stands in for /opt/tillside/current; the node running the tests for /usr/bin/node.
      for (const name of files)
        writeFileSync(
          join(tmp.dir, name),
          unit(name).replaceAll('/opt/tillside/current', process.cwd()).replaceAll('/usr/bin/node', process.execPath),
        )
      mkdirSync(join(tmp.dir, 'tillside.service.d'))
      copyFileSync(
        join(UNITS, 'tillside.service.d', 'nftables.conf'),
        join(tmp.dir, 'tillside.service.d', 'nftables.conf'),
      )
      const r = spawnSync('systemd-analyze', ['verify', '--man=no', ...files.map((n) => join(tmp.dir, n))], {
        encoding: 'utf8',
        env: { ...process.env, SYSTEMD_UNIT_PATH: `${tmp.dir}:` },
      })
      // Parse problems are only warnings on stderr: none may be there.
      expect(r.stderr).toBe('')
      expect(r.status).toBe(0)
    } finally {
      tmp.cleanup()
    }
  })

  it('promise readiness, a watchdog and a sandbox', () => {
    const gateway = unit('tillside.service')
    for (const line of [
      'Type=notify',
      'WatchdogSec=30',
      'Restart=always',
      'User=tillside',
      'SupplementaryGroups=dialout lp plugdev',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'ReadWritePaths=/var/lib/tillside',
      'PrivateTmp=yes',
      'CapabilityBoundingSet=',
    ])
      expect(gateway.split('\n'), line).toContain(line)
    expect(readFileSync(join(UNITS, 'tillside.service.d', 'nftables.conf'), 'utf8')).toContain(
      'AmbientCapabilities=CAP_NET_ADMIN',
    )
    expect(unit('tillside-kiosk.service')).toContain('/dist/kiosk/main/session-launch.js')
    expect(unit('tillside-backup.service')).toContain('backup --dir /var/backups/tillside --keep-days 14')
  })

  it('run node with the flags the benches measured, as `npm start` does', () => {
    const flags = NODE_FLAGS.join(' ')
    const gateway = unit('tillside.service')
    expect(gateway).toContain(`ExecStart=/usr/bin/node ${flags} /opt/tillside/current/dist/bundle/tillside.js start`)
    expect(gateway).toContain('Environment=MALLOC_ARENA_MAX=2')
    const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }
    expect(scripts.start).toContain(`MALLOC_ARENA_MAX=2 node ${flags} dist/bundle/tillside.js start`)
  })
})
