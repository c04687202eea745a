/**
 * /v/{code}: the voucher on the customer's phone. Server-rendered HTML with the QR as
 * inline SVG and no script, so it opens in the captive mini-browser, in any browser
 * once the phone is online, and offline over the store Wi-Fi. It says what the voucher
 * is worth, where it can be used and until when, and whether it is still good.
 */
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from '@sinclair/typebox'
import { qrSvg } from '../kiosk/qr-svg.js'
import { reasonText, valueText } from '../till/till-text.js'
import type { VoucherSummary } from '../vouchers/voucher-service.js'

const Params = Type.Object({ code: Type.String({ minLength: 1, maxLength: 200 }) })
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
const date = (ms: number) => new Date(ms).toISOString().slice(0, 10)

const STYLE = `body{font:16px/1.5 system-ui,"Noto Sans CJK SC",sans-serif;margin:0;background:#f4f1ea;color:#222}
main{max-width:28rem;margin:0 auto;padding:1rem}.card{background:#fff;border-radius:1rem;padding:1.25rem;box-shadow:0 2px 8px #0002}
h1{font-size:1.5rem;margin:.2rem 0}.value{font-size:2rem;font-weight:700;color:#b3261e}.qr{width:100%;max-width:18rem;display:block;margin:1rem auto}
.bad{background:#b3261e;color:#fff;padding:.75rem;border-radius:.5rem;font-weight:700}.muted{color:#666;font-size:.9rem}dt{font-weight:600}dd{margin:0 0 .5rem}`

export function voucherPageRoutes(app: FastifyInstance): void {
  const { vouchers, config } = app.services
  app.get<{ Params: Static<typeof Params> }>(
    '/v/:code',
    { schema: { hide: true, params: Params } },
    async (req, reply) => {
      const code = req.params.code
      const verdict = vouchers.validate(code)
      reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', CSP)
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
      const headline = verdict.ok ? null : reasonText(verdict.reason).headline
      const problem = headline ? `<div class="bad">${esc(headline.zh)} · ${esc(headline.en)}</div>` : ''
      // A code that is not a voucher of ours shows only why; a used or expired one still says what it was.
      const known = verdict.ok ? null : (verdict.voucher as Partial<VoucherSummary> | undefined)
      if (!verdict.ok && !known?.name)
        return reply.code(404).send(page('Voucher', `${problem}<p>${esc(verdict.detail)}</p>`))
      const c = verdict.ok ? verdict.voucher.campaign : null
      const name = c?.name ?? known?.name ?? { en: 'Voucher' }
      const rawValue = c?.value ?? known?.value
      const value = rawValue ? valueText(rawValue) : null
      const where = c
        ? [
            ...c.redeemableAt.stores.map((s) => (s === config.store.id ? `${config.store.name} (${s})` : s)),
            ...c.redeemableAt.merchants.map((m) => `${m} (all stores)`),
          ]
        : []
      const qr = Buffer.from(qrSvg(code, { title: 'voucher code' })).toString('base64')
      const body = `${problem}
<h1>${esc(name.zh ?? name.en)}</h1>${name.zh ? `<div>${esc(name.en)}</div>` : ''}
${value ? `<div class="value">${esc(value.zh)}</div><div>${esc(value.en)}</div>` : ''}
${
  verdict.ok
    ? `<img class="qr" alt="voucher QR code" src="data:image/svg+xml;base64,${qr}">
<p class="muted">出示此码给收银员扫描 · Show this code to the cashier</p>`
    : ''
}
<dl>${verdict.ok ? `<dt>有效期至 Valid until</dt><dd>${date(verdict.voucher.expiresAt)}</dd>` : ''}
${where.length ? `<dt>可用门店 Where to use it</dt><dd>${where.map(esc).join('<br>')}</dd>` : ''}
${c?.terms ? `<dt>使用条款 Terms</dt><dd>${esc(c.terms.zh ?? c.terms.en)}${c.terms.zh ? `<br>${esc(c.terms.en)}` : ''}</dd>` : ''}
<dt>发券门店 From</dt><dd>${esc(config.store.name)}</dd></dl>
${verdict.ok ? '<p class="muted">请截图保存 · Take a screenshot to keep it</p>' : ''}`
      return reply.send(page(name.en, body))
    },
  )
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${STYLE}</style></head><body><main><div class="card">${body}</div></main></body></html>`
}
