/**
 * /admin/messages (managers): the service window. Compose a message to the store's
 * followers — its text in each of the store's languages, a picture, a personal offer, who
 * it is for and when — preview who it would reach and how it looks on their phone, send
 * it; and see every message's way to the till: delivered → opened → voucher used → sale.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Lang } from '../../../config/schema-parts.js'
import { t } from '../../i18n/messages.js'
import { AUDIENCES, type AudienceKind } from '../../messages/audience.js'
import {
  LIMITS,
  MessageError,
  type AudienceSize,
  type ComposeInput,
  type MessageView,
} from '../../messages/message-service.js'
import { esc } from '../html.js'
import type { ConsoleKit } from './console-kit.js'
import { barChart, count, money, table, when } from './page-parts.js'
import type { Sends } from '../../store/read/message-reads.js'

type Form = Record<string, string | undefined>
const PAGE = { path: '/admin/messages', title: 'admin.messages', script: '/admin/messages.js' } as const

export function messagesPage(app: FastifyInstance, kit: ConsoleKit): void {
  const { messages, config } = app.services
  const languages = config.store.languages

  const render = (
    req: FastifyRequest,
    reply: FastifyReply,
    form: Form,
    extra: { error?: string; preview?: string; status?: number },
  ) =>
    kit.page(
      req,
      reply,
      PAGE,
      (_user, lang, csrf) => {
        const sent = (req.query as { sent?: string }).sent
        return `<h1>${t(lang, 'admin.messages')}</h1>
${sent ? `<p class="notice" role="status">${esc(t(lang, 'admin.msgSent'))}</p>` : ''}
${extra.error ? `<p class="error" role="alert">${esc(extra.error)}</p>` : ''}${extra.preview ?? ''}
${composeForm(lang, form, csrf, Boolean(extra.error || extra.preview) || messages.list(1).length === 0)}${history(lang, csrf)}`
      },
      extra.status,
    )

  app.get('/admin/messages', { schema: { hide: true } }, (req, reply) => render(req, reply, {}, {}))

  app.post<{ Body: Form }>(
    '/admin/messages',
    // A picture travels in the form as a data: URL.
    { schema: { hide: true }, preHandler: app.csrfProtection, bodyLimit: 2 * LIMITS.imageBytes },
    async (req, reply) => {
      const user = kit.apiUser(req, reply, '/admin/messages')
      if (!user) return reply
      const lang = kit.langFor(req)
      const form = req.body ?? {}
      const input = inputOf(form)
      try {
        if (form.action === 'send') {
          await messages.compose(input, `admin:${user.id}`)
          return reply.redirect('/admin/messages?sent=1', 303)
        }
        const { audience } = messages.preview(input)
        return render(req, reply, form, { preview: previewBlock(lang, input, audience) })
      } catch (err) {
        if (!(err instanceof MessageError)) throw err
        return render(req, reply, form, refusal(lang, err))
      }
    },
  )

  app.post<{ Body: Form }>(
    '/admin/messages/cancel',
    { schema: { hide: true }, preHandler: app.csrfProtection },
    async (req, reply) => {
      const user = kit.apiUser(req, reply, '/admin/messages')
      if (!user) return reply
      try {
        await messages.cancel(String(req.body?.id ?? ''), `admin:${user.id}`)
      } catch (err) {
        if (!(err instanceof MessageError)) throw err
        return render(req, reply, {}, refusal(kit.langFor(req), err))
      }
      return reply.redirect('/admin/messages', 303)
    },
  )

  function inputOf(f: Form): ComposeInput {
    const title: Record<string, string> = {}
    const body: Record<string, string> = {}
    for (const l of languages) {
      if (f[`title_${l}`]?.trim()) title[l] = f[`title_${l}`]!
      if (f[`body_${l}`]?.trim()) body[l] = f[`body_${l}`]!
    }
    const sendAt = f.sendAt ? new Date(f.sendAt).getTime() : NaN
    return {
      title,
      body,
      audience: (f.audience ?? 'followers') as AudienceKind,
      ...(f.image ? { image: f.image } : {}),
      ...(f.campaign ? { campaign: Number(f.campaign) } : {}),
      ...(Number.isFinite(sendAt) ? { sendAt } : {}),
    }
  }

  /** Folded away once there are messages (their figures come first), open while one is being written. */
  function composeForm(lang: Lang, f: Form, csrf: string, open: boolean): string {
    const v = (k: string) => esc(f[k] ?? '')
    const texts = languages
      .map(
        (l) => `<fieldset><legend>${esc(t(lang, 'admin.msgInLang', { language: t(l, 'lang.name') }))}</legend>
<label>${t(lang, 'admin.msgTitle')}<input name="title_${l}" maxlength="${LIMITS.title}" value="${v(`title_${l}`)}" lang="${l}"></label>
<label>${t(lang, 'admin.msgBody')}<textarea name="body_${l}" maxlength="${LIMITS.body}" rows="4" lang="${l}">${v(`body_${l}`)}</textarea></label></fieldset>`,
      )
      .join('')
    const audience = AUDIENCES.map(
      (a) =>
        `<option value="${a}"${(f.audience ?? 'followers') === a ? ' selected' : ''}>${esc(t(lang, `admin.audience.${a}`))}</option>`,
    ).join('')
    const offers = messages
      .offerable()
      .map(
        (c) =>
          `<option value="${c.id}"${f.campaign === String(c.id) ? ' selected' : ''}>${esc(c.name[lang] ?? c.name.en)}</option>`,
      )
      .join('')
    return `<details class="card compose"${open ? ' open' : ''}><summary><h2>${t(lang, 'admin.msgCompose')}</h2></summary>
<form method="post" action="/admin/messages"><input type="hidden" name="_csrf" value="${esc(csrf)}">${texts}
<label>${t(lang, 'admin.msgAudience')}<select name="audience">${audience}</select></label>
<label>${t(lang, 'admin.msgOffer')}<select name="campaign"><option value="">${t(lang, 'admin.msgNoOffer')}</option>${offers}</select></label>
<label>${t(lang, 'admin.msgWhen')}<input type="datetime-local" name="sendAt" value="${v('sendAt')}"></label>
<label>${t(lang, 'admin.msgPicture')}<input type="file" accept="image/png,image/jpeg,image/webp" data-into="image"></label>
<input type="hidden" name="image" value="${v('image')}"><p class="muted">${t(lang, 'admin.msgConsentNote')}</p>
<div class="actions"><button type="submit" name="action" value="preview">${t(lang, 'admin.msgPreview')}</button>
<button type="submit" name="action" value="send" class="primary">${t(lang, 'admin.msgSend')}</button></div></form></details>`
  }

  function previewBlock(lang: Lang, input: ComposeInput, a: AudienceSize): string {
    const figure = (label: string, value: number) =>
      `<div class="figure"><span>${esc(label)}</span><strong>${count(lang, value)}</strong></div>`
    const phones = Object.keys(input.title)
      .map(
        (l) => `<article class="phone" lang="${l}">${input.image ? `<img alt="" src="${esc(input.image)}">` : ''}
<h3>${esc(input.title[l] ?? '')}</h3><p class="text">${esc(input.body[l] ?? '')}</p>${
          input.campaign ? `<p class="offer">${esc(t(l as Lang, 'inbox.voucher'))}</p>` : ''
        }</article>`,
      )
      .join('')
    return `<section class="card preview"><h2>${t(lang, 'admin.msgPreviewTitle')}</h2><section class="figures">
${figure(t(lang, input.campaign ? 'admin.msgConsentingOffer' : 'admin.msgConsenting'), a.consenting)}
${figure(t(lang, 'admin.msgInAudience'), a.inAudience)}${figure(t(lang, 'admin.msgCapped', { count: config.messages.maxPerWeek }), a.capped)}
${figure(t(lang, 'admin.msgReach'), a.reach)}</section><div class="phones">${phones}</div></section>`
  }

  function history(lang: Lang, csrf: string): string {
    const list = messages.list()
    const rows = list.map((m) => [
      esc(when(lang, m.sendAt)),
      esc(m.title[lang] ?? Object.values(m.title)[0] ?? ''),
      esc(t(lang, `admin.audience.${m.audience as AudienceKind}`)),
      esc(t(lang, `admin.msgState.${m.state}`)),
      count(lang, m.delivered),
      count(lang, m.opened),
      m.campaign === null ? '–' : count(lang, m.redeemed),
      m.campaign === null ? '–' : esc(money(lang, m.salesTotal)),
      ...(config.messages.webhook ? [sendsCell(lang, m.sends)] : []),
      m.state === 'scheduled' || m.state === 'sending'
        ? `<form method="post" action="/admin/messages/cancel"><input type="hidden" name="_csrf" value="${esc(csrf)}"><input type="hidden" name="id" value="${esc(m.id)}"><button type="submit" class="secondary">${t(lang, 'admin.msgCancel')}</button></form>`
        : '',
    ])
    const columns = [
      'msgWhenCol',
      'msgTitle',
      'msgAudience',
      'msgStateCol',
      'msgDelivered',
      'msgOpened',
      'msgRedeemed',
      'msgSales',
      ...(config.messages.webhook ? ['msgWebhook'] : []),
      'msgActions',
    ]
    const headers = columns.map((k) => t(lang, `admin.${k}` as Parameters<typeof t>[1]))
    const latest = list.find((m) => m.state === 'sent' && m.delivered > 0)
    const all = table(headers, rows, { num: [4, 5, 6, 7], empty: t(lang, 'admin.msgNone'), id: 'messages' })
    return `${funnel(lang, latest)}<section class="card"><h2>${t(lang, 'admin.msgHistory')}</h2>${all}</section>`
  }
}

/** Why a message was refused, in words, with its HTTP status (the field is named in the detail). */
function refusal(lang: Lang, err: MessageError): { error: string; status: number } {
  const status = err.code === 'unknown_message' ? 404 : err.code === 'not_cancellable' ? 409 : 422
  return { error: `${t(lang, `admin.msgError.${err.code}`)} — ${err.message}`, status }
}

/** The latest message's way to the till, as bars: delivered → opened → voucher used → sale. */
function funnel(lang: Lang, m: MessageView | undefined): string {
  if (!m) return ''
  const title = t(lang, 'admin.msgFunnel', { title: m.title[lang] ?? Object.values(m.title)[0] ?? '' })
  const steps = ['msgDelivered', 'msgOpened', 'msgRedeemed', 'msgSalesCount'] as const
  const chart = barChart(
    [m.delivered, m.opened, m.redeemed, m.sales],
    steps.map((k) => t(lang, `admin.${k}`)),
    title,
  )
  return `<figure class="card chart"><figcaption>${esc(title)}</figcaption>${chart}</figure>`
}

/** How a message's webhook POSTs stand: sent, still being tried, given up (with the latest error). */
function sendsCell(lang: Lang, s: Sends): string {
  const parts = [t(lang, 'admin.msgSendsSent', { count: s.sent })]
  if (s.pending) parts.push(t(lang, 'admin.msgSendsPending', { count: s.pending }))
  if (s.failed) parts.push(`<strong class="bad">${esc(t(lang, 'admin.msgSendsFailed', { count: s.failed }))}</strong>`)
  const error = s.lastError && (s.pending || s.failed) ? `<br><small>${esc(s.lastError)}</small>` : ''
  return `${parts.map((p) => (p.startsWith('<') ? p : esc(p))).join(' · ')}${error}`
}
