/**
 * Issue #4's "done when", as the README's quick start runs it: the built `tillside start`
 * on its embedded defaults (simulated kiosk printer) prints a voucher slip, and its
 * preview opens at the link the API returned, without a token; and (issue #5) every
 * event arrives at the embedded cloud ingest. The README's first steps run in the order
 * written: issue on the command line, print, take it at the till, ask the POS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import Database from 'better-sqlite3'
import { BUNDLE, runCli, startGatewayProcess } from '../helpers/cli.js'
import { tempDir } from '../helpers/tmp.js'
import { waitFor } from '../helpers/wait.js'

const built = existsSync(BUNDLE)
if (!built) {
  const message = `quick-start print test: ${BUNDLE} is missing — run npm run build`
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(message)
  process.stderr.write(`\n  !!! SKIPPING ${message}\n\n`)
}

describe.skipIf(!built)(
  'npm start prints a voucher slip on the simulated printer and syncs to the embedded ingest',
  () => {
    let tmp: ReturnType<typeof tempDir>
    let child: ChildProcess
    let address: string
    const dataDir = () => join(tmp.dir, 'data')
    const env = () => ({
      TILLSIDE_DATA_DIR: dataDir(),
      TILLSIDE_HTTP_PORT: '0',
      TILLSIDE_PORTAL_PORT: '0',
      TILLSIDE_SYNC_EMBEDDED_PORT: '0',
    })
    // The default config's demo tokens: the POS's, and the kiosk's (kiosk.credentials).
    const auth = {
      authorization: 'Bearer dev-pos-token',
      'x-kiosk-token': 'dev-kiosk-token',
      'content-type': 'application/json',
    }
    const post = (path: string, body: object) =>
      fetch(`${address}${path}`, { method: 'POST', headers: auth, body: JSON.stringify(body) })

    beforeAll(async () => {
      tmp = tempDir()
      ;({ child, address } = await startGatewayProcess(null, { bundle: true, env: env() }))
    }, 30_000)
    afterAll(() => {
      child?.kill('SIGKILL')
      tmp?.cleanup()
    })

    it('issues at the counter, prints the slip, and shows it at the preview link', async () => {
      const issued = await post('/api/pos/vouchers/issue', { campaign: 1 })
      expect(issued.status).toBe(201)
      const { code } = (await issued.json()) as { code: string }
      const printed = await post('/api/print/vouchers', { code })
      expect(printed.status).toBe(202)
      const { jobId, previewUrl } = (await printed.json()) as { jobId: string; previewUrl: string }
      await waitFor(
        async () =>
          ((await (await fetch(`${address}/api/print/jobs/${jobId}`, { headers: auth })).json()) as { state: string })
            .state === 'done',
        'job done',
      )

      const slips = readdirSync(join(dataDir(), 'print-sim')).filter((f) => f.endsWith('.txt'))
      // Everything the gateway writes is the service user's alone (umask 077; issue #13).
      for (const file of ['.', 'tillside.db', 'tillside.db-wal', 'print-sim', join('print-sim', slips[0]!)])
        expect(statSync(join(dataDir(), file)).mode & 0o077, file).toBe(0)
      expect(slips).toHaveLength(1)
      const text = readFileSync(join(dataDir(), 'print-sim', slips[0]!), 'utf8')
      expect(text).toContain(`[QR ${code}]`)
      expect(text).toContain('下次消费立减20元')

      const preview = await fetch(`${address}${previewUrl}`)
      expect(preview.status).toBe(200)
      expect(preview.headers.get('content-type')).toContain('image/svg+xml')
      const svg = await preview.text()
      expect(svg).toContain('下次消费立减20元')
      expect(svg).toMatch(/<path d="M/) // the QR
      expect(existsSync(join(dataDir(), 'print-sim', slips[0]!.replace(/\.txt$/, '.svg')))).toBe(true)

      // The whole loop on one machine: the embedded broker and ingest hold every event.
      const synced = await waitFor(async () => {
        const { journal, sync } = (await (await fetch(`${address}/api/status`)).json()) as {
          journal: { lastSeq: number }
          sync: { state: string; acked: number }
        }
        return sync.state === 'online' && sync.acked === journal.lastSeq && sync.acked > 0 ? sync.acked : null
      }, 'events acknowledged by the embedded ingest')
      const cloud = new Database(join(dataDir(), 'cloud.db'), { readonly: true })
      expect(cloud.prepare("SELECT count(*) FROM events WHERE store = 'demo-store'").pluck().get()).toBe(synced)
      expect(cloud.prepare("SELECT count(*) FROM events WHERE type = 'voucher.issued'").pluck().get()).toBe(1)
      cloud.close()
    })

    it("follows the README's first steps in the order written", async () => {
      const issued = await runCli(['voucher', 'issue', '--campaign', '1'], env(), { bundle: true })
      expect(issued.code).toBe(0)
      const code = issued.stdout.trim()
      expect(code).toMatch(/^TS1:/)
      expect((await post('/api/print/vouchers', { code })).status).toBe(202)
      expect((await post('/api/dev/scan', { data: code })).status).toBe(201)
      const asked = await waitFor(async () => {
        const v = (await (await post('/api/pos/vouchers/validate', { code })).json()) as {
          ok: boolean
          reason?: string
        }
        return v.ok ? null : v
      }, 'the till took it')
      expect(asked.reason).toBe('already_redeemed')
    })

    it('plays the kiosk game on the default config: a prize, its slip, and its phone page', async () => {
      expect((await fetch(`${address}/kiosk`)).status).toBe(200)
      const unpaired = await fetch(`${address}/api/kiosk/identify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ phone: '13800138000', consents: { membership: true } }),
      })
      expect(unpaired.status).toBe(401)
      const who = await post('/api/kiosk/identify', { phone: '13800138000', consents: { membership: true } })
      const { player } = (await who.json()) as { player: string }
      const played = await post('/api/kiosk/play', { playId: 'quick-start-play-0001', player })
      expect(played.status).toBe(200)
      const { voucher, print } = (await played.json()) as {
        voucher: { code: string; url: string }
        print: { jobId: string }
      }
      await waitFor(
        async () =>
          (
            (await (await fetch(`${address}/api/print/jobs/${print.jobId}`, { headers: auth })).json()) as {
              state: string
            }
          ).state === 'done',
        'slip printed',
      )
      const slips = readdirSync(join(dataDir(), 'print-sim')).filter((f) => f.endsWith('.txt'))
      expect(
        slips.some((f) => readFileSync(join(dataDir(), 'print-sim', f), 'utf8').includes(`[QR ${voucher.code}]`)),
      ).toBe(true)
      expect((await fetch(voucher.url)).status).toBe(200)

      child.kill('SIGTERM')
      expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(0)
    })
  },
)
