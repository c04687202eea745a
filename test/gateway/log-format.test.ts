/**
 * Logs a person can read on a terminal, JSON for machines: `log.format: auto` makes pino's
 * lines readable only on a TTY that systemd did not hand the gateway; a real start in a
 * pseudo-terminal (script(1)) prints readable lines, a piped one JSON.
 */
import { describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { prettyLogs } from '../../gateway/log.js'
import { CLI } from '../helpers/cli.js'
import { requireProgram } from '../helpers/system.js'
import { tempDir } from '../helpers/tmp.js'

describe('log format', () => {
  it('is readable on a terminal only, JSON under systemd or a pipe, as told otherwise', () => {
    expect(prettyLogs('auto', { isTTY: true }, {})).toBe(true)
    expect(prettyLogs('auto', { isTTY: true }, { JOURNAL_STREAM: '8:1234' })).toBe(false)
    expect(prettyLogs('auto', { isTTY: true }, { INVOCATION_ID: 'x' })).toBe(false)
    expect(prettyLogs('auto', { isTTY: false }, {})).toBe(false)
    expect(prettyLogs('json', { isTTY: true }, {})).toBe(false)
    expect(prettyLogs('pretty', { isTTY: false }, {})).toBe(true)
  })

  it.skipIf(!requireProgram('script', 'log format'))(
    'prints readable lines when started on a terminal',
    async () => {
      const tmp = tempDir()
      try {
        const config = join(tmp.dir, 'store.yaml')
        writeFileSync(
          config,
          `version: 2\nstore: { id: shop-l, name: Shop L }\ndataDir: data\nhttp: { host: 127.0.0.1, port: 0 }\n`,
        )
        const command = `${process.execPath} --import tsx ${CLI} start --config ${config}`
        const child = spawn('script', ['-qec', command, '/dev/null'], {
          stdio: ['pipe', 'pipe', 'pipe'],
          env: { ...process.env, JOURNAL_STREAM: '', INVOCATION_ID: '' },
        })
        let out = ''
        const seen = await new Promise<string>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no readable start line in: ${out}`)), 60_000)
          child.stdout.on('data', (d: Buffer) => {
            out += d.toString()
            if (!/INFO/.test(out)) return
            clearTimeout(timer)
            resolve(out)
          })
        })
        // The gateway is script's child on the terminal: closing it hangs the gateway up too.
        child.kill('SIGTERM')
        await new Promise((resolve) => child.once('exit', resolve))
        expect(seen).not.toMatch(/^\{"level"/m)
        expect(seen).toMatch(/INFO/)
      } finally {
        tmp.cleanup()
      }
    },
    90_000,
  )
})
