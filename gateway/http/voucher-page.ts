/**
 * /v/{code}: the voucher on the customer's phone. Server-rendered HTML with the QR as
 * inline SVG and no script, so it opens in the captive mini-browser, in any browser
 * once the phone is online, and offline over the store Wi-Fi. One language at a time
 * (the phone's, or the switch at the top), the store's name on top, and in plain words
 * what the voucher is worth, where and until when it can be used, or why it cannot.
 */
import { logoUrl } from './brand-routes.js'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { Type, type Static } from '@sinclair/typebox'
import { qrSvg } from '../kiosk/qr-svg.js'
import { reasonText, valueText } from '../till/till-text.js'
import type { VoucherSummary } from '../vouchers/voucher-service.js'
import { whereToUse } from '../vouchers/where-to-use.js'
import { LANGS, pickText, type Lang } from '../../config/schema-parts.js'
import { dateLocale, langOf, langTag, nextLang, switchLabel, t } from '../i18n/messages.js'
import { esc } from './html.js'

const Params = Type.Object({ code: Type.String({ minLength: 1, maxLength: 200 }) })
const Query = Type.Object({ lang: Type.Optional(Type.Union(LANGS.map((l) => Type.Literal(l)))) })
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"

const STYLE = `body{font:17px/1.5 system-ui,"Noto Sans CJK SC",sans-serif;margin:0;background:#f4f1ea;color:#222}
header{display:flex;justify-content:space-between;align-items:center;padding:.5rem 1rem;background:#b3261e;color:#fff;font-weight:700}
.brand{display:flex;align-items:center;gap:.5rem}.brand img{height:2.25rem;max-width:7rem;object-fit:contain;background:#fff;border-radius:.3rem;padding:.1rem}
header a{color:#fff;display:inline-flex;align-items:center;justify-content:center;min-height:44px;min-width:88px;border:2px solid #fff8;border-radius:.5rem;text-decoration:none;font-weight:600}
main{max-width:28rem;margin:0 auto;padding:1rem}.card{background:#fff;border-radius:1rem;padding:1.25rem;box-shadow:0 2px 8px #0002}
h1{font-size:1.5rem;margin:.2rem 0}.value{font-size:2rem;font-weight:700;color:#b3261e}.qr{width:100%;max-width:18rem;display:block;margin:1rem auto}
.bad{background:#b3261e;color:#fff;padding:.75rem;border-radius:.5rem;font-weight:700}.bad p{margin:.25rem 0 0;font-weight:400}
.muted{color:#555;font-size:.95rem}dt{font-weight:600}dd{margin:0 0 .5rem}
.inbox{list-style:none;margin:0;padding:0}.inbox li{border-bottom:1px solid #ddd}.inbox a{display:flex;gap:.75rem;align-items:center;min-height:56px;padding:.5rem 0;color:inherit;text-decoration:none}
.inbox .t{flex:1;font-weight:600}.inbox .new{background:#b3261e;color:#fff;border-radius:1rem;padding:0 .6rem;font-size:.85rem}.inbox .d{color:#555;font-size:.9rem}
.msg-img{width:100%;border-radius:.5rem;margin:.5rem 0}.text{white-space:pre-wrap;overflow-wrap:anywhere}
.button{display:flex;align-items:center;justify-content:center;min-height:48px;border-radius:.5rem;background:#b3261e;color:#fff;font-weight:700;text-decoration:none;border:0;font:inherit;width:100%;margin:.75rem 0;cursor:pointer}
.link{display:inline-flex;align-items:center;min-height:44px;color:#333}`

export function voucherPageRoutes(app: FastifyInstance): void {
  const { vouchers, config } = app.services
  app.get<{ Params: Static<typeof Params>; Querystring: Static<typeof Query> }>(
    '/v/:code',
    { schema: { hide: true, params: Params, querystring: Query } },
    async (req, reply) => {
      const code = req.params.code
      const languages = config.store.languages
      const lang = langOf(req.query, req.headers['accept-language'], languages)
      const text = (local: Parameters<typeof pickText>[1]) => pickText(lang, local)
      const verdict = vouchers.validate(code)
      // A code that is not a voucher of ours shows only that; a used or expired one still says what it was.
      const known = verdict.ok ? null : (verdict.voucher as Partial<VoucherSummary> | undefined)
      if (!verdict.ok && !known?.name)
        return sendPhonePage(
          app,
          reply,
          lang,
          t(lang, 'voucher.voucher'),
          `<div class="bad">${esc(t(lang, 'voucher.notVoucher'))}</div>`,
          404,
        )
      let problem = ''
      if (!verdict.ok) {
        const why = reasonText(verdict.reason)
        const last = verdict.reason === 'already_redeemed' && known?.key ? vouchers.lastUse(known.key) : null
        const detail = last
          ? t(lang, 'voucher.usedAt', { time: when(last.time, lang), store: last.storeName })
          : text(why.advice)
        problem = `<div class="bad">${esc(text(why.headline))}<p>${esc(detail)}</p></div>`
      }
      const c = verdict.ok ? verdict.voucher.campaign : null
      const name = c?.name ?? known?.name ?? { en: t(lang, 'voucher.voucher') }
      const rawValue = c?.value ?? known?.value
      const qr = Buffer.from(qrSvg(code, { title: 'voucher code' })).toString('base64')
      const where = c ? whereToUse(c, config.store, vouchers.names()).map((l) => l[lang]) : []
      const body = `${problem}
<h1>${esc(text(name))}</h1>
${rawValue ? `<div class="value">${esc(text(valueText(rawValue)))}</div>` : ''}
${
  verdict.ok
    ? `<img class="qr" alt="${esc(t(lang, 'voucher.voucher'))} QR" src="data:image/svg+xml;base64,${qr}">
<p class="muted">${esc(t(lang, 'voucher.showCashier'))}</p>`
    : ''
}
<dl>${verdict.ok ? `<dt>${t(lang, 'game.until')}</dt><dd>${when(verdict.voucher.expiresAt, lang)}</dd>` : ''}
${where.length ? `<dt>${t(lang, 'voucher.where')}</dt><dd>${where.map(esc).join('<br>')}</dd>` : ''}
${c?.terms ? `<dt>${t(lang, 'voucher.terms')}</dt><dd>${esc(text(c.terms))}</dd>` : ''}
<dt>${t(lang, 'voucher.from')}</dt><dd>${esc(config.store.name)}</dd></dl>
${verdict.ok ? `<p class="muted">${t(lang, 'voucher.keep')}</p>` : ''}`
      return sendPhonePage(app, reply, lang, text(name), body)
    },
  )
}

/** A phone page (the voucher, the member's messages): the store's header and language switch, no script. */
export function sendPhonePage(
  app: FastifyInstance,
  reply: FastifyReply,
  lang: Lang,
  title: string,
  body: string,
  status = 200,
): FastifyReply {
  const { config } = app.services
  const languages = config.store.languages
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', CSP)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('content-language', langTag(lang))
    .send(
      pageHtml(
        lang,
        title,
        { ...config.store, logo: logoUrl(app) },
        nextLang(lang, languages),
        switchLabel(lang, languages),
        body,
      ),
    )
}

export function when(ms: number, lang: Lang): string {
  return new Date(ms).toLocaleString(dateLocale(lang), { dateStyle: 'medium', timeStyle: 'short' })
}

function pageHtml(
  lang: Lang,
  title: string,
  store: { name: string; brand: { primary: string }; logo: string | null },
  next: Lang,
  switchText: string,
  body: string,
): string {
  return `<!doctype html><html lang="${langTag(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${STYLE.replaceAll('#b3261e', store.brand.primary)}</style></head><body><header><span class="brand">${store.logo ? `<img src="${esc(store.logo)}" alt="">` : ''}${esc(store.name)}</span><a href="?lang=${next}" lang="${langTag(next)}">${esc(switchText)}</a></header><main><div class="card">${body}</div></main></body></html>`
}
